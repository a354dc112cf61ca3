/*
 * cmd_nft.c - hardgate nft --service NAME: netout's allow-list as an
 * nftables ruleset matched on the service's uid (privs' user), the layer
 * a process cannot step around with raw syscalls, and the one that also
 * covers UDP and exact addresses. Load it with `nft -f`. Other traffic of
 * that uid is rejected as administratively prohibited (the program sees
 * EHOSTUNREACH at once instead of hanging on a dropped SYN).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <hardgate/hardgate.h>

#include "allowlist.h"
#include "args.h"
#include "cli.h"
#include "decision.h"
#include "policy.h"
#include "report.h"
#include "stack.h"
#include "util.h"

/* Four element lists: v4 with port, v4 any port, v6 with port, v6 any port. */
struct sets {
	char *el[4];
	size_t len[4];
	int n[4];
};

static int
append(struct sets *s, int k, const char *text)
{
	size_t l = strlen(text);
	char *p = realloc(s->el[k], s->len[k] + l + 3);

	if (p == NULL)
		return -1;
	s->el[k] = p;
	if (s->n[k]++)
		memcpy(p + s->len[k], ", ", 2), s->len[k] += 2;
	memcpy(p + s->len[k], text, l + 1);
	s->len[k] += l;
	return 0;
}

static int
add_entry(const char *entry, void *arg)
{
	struct hg_dest d;
	char a[INET6_ADDRSTRLEN], text[INET6_ADDRSTRLEN + 16], err[256];
	int k;

	if (hg_dest_parse(entry, &d, err, sizeof(err)) < 0)
		return -1;
	if (d.family == AF_UNIX)
		return 0;	/* not the network's business */
	inet_ntop(d.family, d.addr, a, sizeof(a));
	k = (d.family == AF_INET6) * 2 + (d.port == 0);
	if (d.port)
		snprintf(text, sizeof(text), "%s/%u . %u", a, d.prefix, d.port);
	else
		snprintf(text, sizeof(text), "%s/%u", a, d.prefix);
	return append(arg, k, text);
}

static void
print_set(const char *name, const char *type, const struct sets *s, int k)
{
	printf("\tset %s {\n\t\ttype %s\n\t\tflags interval\n", name, type);
	if (s->n[k])
		printf("\t\telements = { %s }\n", s->el[k]);
	printf("\t}\n");
}

static void
print_ruleset(const char *service, unsigned uid, const char *id, const struct sets *s)
{
	char table[96];

	snprintf(table, sizeof(table), "hardgate_%s", service);
	for (char *c = table; *c; c++)
		if (*c == '-' || *c == '.')
			*c = '_';
	printf("# hardgate nft --service %s: netout's allow-list for uid %u\n", service, uid);
	printf("# load with: nft -f FILE   (names were resolved once, now)\n");
	printf("table inet %s\ndelete table inet %s\ntable inet %s {\n", table, table, table);
	print_set("allow4", "ipv4_addr . inet_service", s, 0);
	print_set("allow4_any", "ipv4_addr", s, 1);
	print_set("allow6", "ipv6_addr . inet_service", s, 2);
	print_set("allow6_any", "ipv6_addr", s, 3);
	printf("\tchain output {\n"
	       "\t\ttype filter hook output priority filter; policy accept;\n"
	       "\t\tmeta skuid != %u accept\n"
	       "\t\tct state established,related accept\n"
	       "\t\tmeta l4proto { tcp, udp } ip daddr . th dport @allow4 accept\n"
	       "\t\tip daddr @allow4_any accept\n"
	       "\t\tmeta l4proto { tcp, udp } ip6 daddr . th dport @allow6 accept\n"
	       "\t\tip6 daddr @allow6_any accept\n"
	       "\t\tcounter log prefix \"hardgate %s %s: \" reject with icmpx type admin-prohibited\n"
	       "\t}\n}\n", uid, service, id);
}

/* The service's uid: privs' user. */
static int
service_uid(const struct hg_service *s, uid_t *uid)
{
	for (size_t i = 0; i < s->nstack; i++)
		if (strcmp(s->stack[i].module, "privs") == 0 &&
		    hg_args_str(&s->stack[i].args, "user") != NULL)
			return hg_parse_uid(hg_args_str(&s->stack[i].args, "user"), uid);
	return -1;
}

static int
fail(const char *service, const char *id, const char *where, const char *fix, const char *msg)
{
	struct hg_error e = { 0 };

	hg_error_set(&e, 1, id, where, fix, "%s", msg);
	hg_report_error(stderr, service, &e);
	return HG_EXIT_REFUSED;
}

static int
emit_all(const struct hg_service *s, struct sets *sets, const char **id, const char **where)
{
	char err[384];

	for (size_t i = 0; i < s->nstack; i++) {
		const struct hg_args *a = &s->stack[i].args;

		if (strcmp(s->stack[i].module, "netout") != 0)
			continue;
		*id = hg_args_str(a, "id") ? hg_args_str(a, "id") : "HG-016";
		*where = s->stack[i].where;
		for (size_t j = 0; j < hg_args_list_len(a, "allow"); j++)
			if (hg_dest_expand(hg_args_list_at(a, "allow", j), add_entry, sets, err,
					   sizeof(err)) < 0) {
				fail(s->name, *id, hg_args_where(a, "allow"),
				     "use an address, or make the name resolve", err);
				return -1;
			}
		if (hg_args_bool(a, "dns", 0) && (add_entry("0.0.0.0/0:53", sets) < 0 ||
						   add_entry("[::/0]:53", sets) < 0))
			return -1;
	}
	return 0;
}

int
cmd_nft(struct cli *c)
{
	const struct hg_service *s;
	const char *id = NULL, *where = NULL;
	struct sets sets = { 0 };
	struct hg_policy *p;
	struct hg_decision *d;
	uid_t uid;
	int st, bad;

	if (c->service == NULL) {
		fprintf(stderr, "usage: hardgate nft --service NAME [--conf FILE]\n");
		return EXIT_USAGE;
	}
	if ((st = cli_load_service(c, &p, &s)) != 0)
		return st;
	st = HG_EXIT_REFUSED;
	if ((d = hg_decision_new(s->name)) == NULL) {	/* validate like lint first */
		st = HG_EXIT_INTERNAL;
		goto out;
	}
	bad = hg_stack_lint(p, s, d);
	if (bad) {
		hg_decision_set(d, HG_EXIT_REFUSED, "policy for service %s has faulty entries", s->name);
		hg_report_text(d, stderr);
	}
	hg_decision_free(d);
	if (bad)
		goto out;
	if (emit_all(s, &sets, &id, &where) < 0)
		goto out;
	if (id == NULL)
		st = fail(s->name, "HG-016", s->where, "add a netout entry with its allow list",
			  "the service has no netout entry: nothing to enforce");
	else if (service_uid(s, &uid) < 0)
		st = fail(s->name, id, where, "add privs with user = \"ACCOUNT\" to the stack",
			  "nft matches packets by uid: the service needs privs' user");
	else {
		print_ruleset(s->name, (unsigned)uid, id, &sets);
		st = 0;
	}
out:
	for (int k = 0; k < 4; k++)
		free(sets.el[k]);
	hg_policy_free(p);
	return st;
}
