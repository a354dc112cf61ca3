/*
 * analyzer.h - where gcc 12's -fanalyzer (make analyze) is known wrong.
 *
 * HG_LEAK_FP_BEGIN and HG_LEAK_FP_END go around a function that keeps
 * what it allocates in an array element. gcc 12's analyzer forgets such a
 * pointer, and reports it leaked (-Wanalyzer-malloc-leak), when
 *  - the function stores another element whose index it cannot tell
 *    apart (a loop filling v[i] or v[(*n)++]), or
 *  - the array may have been grown by realloc() earlier in the function
 *    (it merges the grown and the old pointer into one it cannot store
 *    through).
 * tests/analyzer-fp.c holds both in a few lines of plain C; make analyze
 * says when the compiler no longer needs these. The check stays on for
 * the rest of the file: only the function between them is left out.
 *
 * HG_LEAK_AT_EXIT_BEGIN and HG_LEAK_AT_EXIT_END go around a function of
 * the command whose failure (out of memory) leaves what it allocated to
 * the exit that follows at once. There the analyzer is right; freeing
 * would be code that never matters.
 */
#ifndef HG_COMMON_ANALYZER_H
#define HG_COMMON_ANALYZER_H

#if defined(__GNUC__) && !defined(__clang__)
#define HG_LEAK_FP_BEGIN _Pragma("GCC diagnostic push") \
	_Pragma("GCC diagnostic ignored \"-Wanalyzer-malloc-leak\"")
#define HG_LEAK_FP_END _Pragma("GCC diagnostic pop")
#else
#define HG_LEAK_FP_BEGIN
#define HG_LEAK_FP_END
#endif
#define HG_LEAK_AT_EXIT_BEGIN HG_LEAK_FP_BEGIN
#define HG_LEAK_AT_EXIT_END HG_LEAK_FP_END

#endif
