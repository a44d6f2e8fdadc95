/* powrelay: the command line (docs/scenario.md#command-line).
 *
 *   powrelay run SCENARIO.yaml [-o OUTDIR] [--set path=value]... [--seed S] [--network flow|ns3] [--threads N]
 *   powrelay sweep SCENARIO.yaml [-o OUTDIR] [-j JOBS] [--force-rerun] [--set path=value]...
 *   powrelay check SCENARIO.yaml [--set path=value]...
 *
 * Exit status 0 on success, 2 on a bad scenario or command line, 1 on an internal failure. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario.h"
#include "search.h"
#include "sim.h"
#include "powrelay/defence.h"
#include "powrelay/netmodel.h"
#include "sweep.h"
#include "sweep_mpi.h"

#ifndef POWRELAY_VERSION
#define POWRELAY_VERSION "unknown"
#endif

static void usage(FILE *f)
{
    fputs("usage: powrelay run SCENARIO.yaml [-o OUTDIR] [--set path=value]... [--seed S] [--network flow|ns3]\n"
          "                      [--threads N]\n"
          "       powrelay sweep SCENARIO.yaml [-o OUTDIR] [-j JOBS] [--force-rerun] [--set path=value]...\n"
          "       powrelay check SCENARIO.yaml [--set path=value]...\n"
          "       powrelay search SCENARIO.yaml [-o DIR] [--trials N] [-j JOBS] [--defence NAME] [--storage URL]\n"
          "                       [--set path=value]...\n"
          "       powrelay --version | --list-policies\n"
          "Scenario keys and outputs: see README.md and docs/scenario.md.\n",
          f);
}

static char *join_argv(int argc, char **argv)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = 0; i < argc; i++) {
        strcat(s, argv[i]);
        if (i + 1 < argc)
            strcat(s, " ");
    }
    return s;
}

/* Every relay defence, its parameters, defaults and ranges (docs/defences.md). */
static void list_policies(FILE *f)
{
    fprintf(f, "relay defences (scenario key defence.policy; a defence's own keys under defence.NAME.*):\n");
    for (size_t i = 0; i < pr_defence_count(); i++) {
        const struct pr_defence_info *d = pr_defence_at(i);
        fprintf(f, "\n%s%s: %s\n", d->name, i == 0 ? " (default)" : "", d->doc);
        fprintf(f, "  proof of work: %s\n", d->pow ? "yes" : "no");
        for (size_t k = 0; k < d->n_params; k++) {
            const struct pr_defence_param *p = &d->params[k];
            if (p->names) {
                fprintf(f, "  defence.%s.%s = %s  (", d->name, p->key, p->names[(int)p->def]);
                for (int q = 0; p->names[q]; q++)
                    fprintf(f, "%s%s", q ? " | " : "", p->names[q]);
                fprintf(f, ") %s\n", p->doc);
                continue;
            }
            fprintf(f, "  defence.%s.%s = %g  (%s%g .. %g%s%s) %s\n", d->name, p->key, p->def,
                    p->flags & PR_PARAM_LO_OPEN ? "(" : "[", p->lo, p->hi, p->flags & PR_PARAM_HI_OPEN ? ")" : "]",
                    p->flags & PR_PARAM_WHOLE ? ", whole" : "", p->doc);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version"))) {
#ifdef POWRELAY_SANITIZED
        const char *sanitized = "; built with ASan+UBSan";
#else
        const char *sanitized = "";
#endif
        printf("powrelay %s (network models: flow%s; sweeps: local%s%s)\n", POWRELAY_VERSION,
               prnet_find("ns3") ? ", ns3" : "", prr_mpi_available() ? ", MPI" : "", sanitized);
        return 0;
    }
    if (argc >= 2 && !strcmp(argv[1], "--list-policies")) {
        list_policies(stdout);
        return 0;
    }
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help"))) {
        usage(stdout);
        return 0;
    }
    if (argc < 2) {
        usage(stderr);
        return PRR_EXIT_BAD;
    }
    const char *cmd = argv[1];
    bool is_run = !strcmp(cmd, "run"), is_sweep = !strcmp(cmd, "sweep"), is_check = !strcmp(cmd, "check");
    bool is_search = !strcmp(cmd, "search");
    if (!is_run && !is_sweep && !is_check && !is_search) {
        fprintf(stderr, "powrelay: unknown command '%s'\n", cmd);
        usage(stderr);
        return PRR_EXIT_BAD;
    }
    static const struct option longopts[] = {
        {"set", required_argument, NULL, 's'},     {"seed", required_argument, NULL, 'S'},
        {"network", required_argument, NULL, 'n'}, {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},    {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},          {"force-rerun", no_argument, NULL, 'F'},
        {"trials", required_argument, NULL, 'T'},  {"storage", required_argument, NULL, 'D'},
        {"defence", required_argument, NULL, 'P'}, {"threads", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };
    char **sets = calloc((size_t)argc + 1, sizeof *sets);
    char **owned = calloc((size_t)argc + 1, sizeof *owned);
    size_t n_sets = 0, n_owned = 0;
    const char *outdir = NULL;
    long jobs = 1;
    bool quiet = false, force_rerun = false;
    long trials = 0, threads = 0;
    const char *storage = NULL, *only = NULL;
    int rc = PRR_EXIT_BAD;
    if (!sets || !owned) {
        fprintf(stderr, "powrelay: out of memory\n");
        return PRR_EXIT_INTERNAL;
    }
    char *command = join_argv(argc, argv); /* before getopt reorders argv */
    optind = 2;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "o:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 's':
            sets[n_sets++] = optarg;
            break;
        case 'S':
        case 'n': {
            const char *key = c == 'S' ? "seed=" : "network.model=";
            char *a = malloc(strlen(key) + strlen(optarg) + 1);
            if (!a) {
                rc = PRR_EXIT_INTERNAL;
                goto out;
            }
            strcpy(a, key);
            strcat(a, optarg);
            owned[n_owned++] = a;
            sets[n_sets++] = a;
            break;
        }
        case 'o':
            if (is_check) {
                fprintf(stderr, "powrelay check: -o makes no sense here (nothing is written)\n");
                goto out;
            }
            outdir = optarg;
            break;
        case 'j': {
            char *end;
            jobs = strtol(optarg, &end, 10);
            if (!(is_sweep || is_search) || *end || end == optarg || jobs < 1 || jobs > 4096) {
                fprintf(stderr, "powrelay %s: -j takes a number of jobs from 1 to 4096 (sweep and search only)\n", cmd);
                goto out;
            }
            break;
        }
        case 'q':
            quiet = true;
            break;
        case 't': {
            char *end;
            threads = strtol(optarg, &end, 10);
            if (!is_run || *end || end == optarg || threads < 1 || threads > (long)PRNET_MAX_THREADS) {
                fprintf(stderr, "powrelay %s: --threads takes a number from 1 to %u (run only)\n", cmd,
                        PRNET_MAX_THREADS);
                goto out;
            }
            break;
        }
        case 'T': {
            char *end;
            trials = strtol(optarg, &end, 10);
            if (!is_search || *end || end == optarg || trials < 1 || trials > 1000000) {
                fprintf(stderr, "powrelay %s: --trials takes a number from 1 to 1000000 (search only)\n", cmd);
                goto out;
            }
            break;
        }
        case 'P':
            if (!is_search) {
                fprintf(stderr, "powrelay %s: --defence is for search only\n", cmd);
                goto out;
            }
            only = optarg;
            break;
        case 'D':
            if (!is_search) {
                fprintf(stderr, "powrelay %s: --storage is for search only\n", cmd);
                goto out;
            }
            storage = optarg;
            break;
        case 'F':
            if (!is_sweep) {
                fprintf(stderr, "powrelay %s: --force-rerun is for sweeps only\n", cmd);
                goto out;
            }
            force_rerun = true;
            break;
        case 'h':
            usage(stdout);
            rc = PRR_EXIT_OK;
            goto out;
        default:
            fprintf(stderr, "powrelay %s: unknown or incomplete option '%s'\n", cmd, argv[optind - 1]);
            usage(stderr);
            goto out;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "powrelay %s: expected exactly one scenario file\n", cmd);
        usage(stderr);
        goto out;
    }
    const char *path = argv[optind];
    char err[1024] = "";
    struct prr_source src;
    if (prr_source_load(path, &src, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        goto out;
    }
    for (size_t i = 0; i < n_sets; i++)
        if (prr_source_set(&src, sets[i], err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            prr_source_free(&src);
            goto out;
        }
    if (is_search) {
        struct prr_search_opts so = {.scenario_path = path, .outdir = outdir, .storage = storage,
                                     .sets = (const char *const *)sets, .n_sets = n_sets, .trials = trials,
                                     .jobs = (int)jobs, .quiet = quiet, .only = only};
        rc = prr_search(&src, &so);
    } else if (is_sweep) {
        struct prr_sweep_opts so = {.outdir = outdir, .jobs = (int)jobs, .command = command, .quiet = quiet,
                                    .force_rerun = force_rerun};
        rc = prr_sweep(&src, &so);
    } else {
        struct prr_scenario sc;
        if (prr_scenario_read(src.doc.root, path, &sc, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            rc = PRR_EXIT_BAD;
        } else if (is_check) {
            rc = prr_sweep_check(&src, &sc, err, sizeof err);
            prr_sweep_warn(&sc, stderr);
            if (rc)
                fprintf(stderr, "%s\n", err);
            else
                printf("%s: ok (%u nodes, %s network, %.0f s%s)\n", path, sc.nodes, sc.network, sc.duration_s,
                       sc.n_sweep ? ", sweep points checked" : "");
            prr_scenario_free(&sc);
        } else {
            if (sc.n_sweep && !quiet)
                fprintf(stderr, "powrelay run: the scenario has a sweep; running its base point only "
                                "(use 'powrelay sweep' for all)\n");
            struct prr_run_opts ro = {.outdir = outdir, .command = command, .progress = true, .quiet = quiet,
                                      .threads = (uint32_t)threads};
            rc = prr_sim_run(&sc, &ro, err, sizeof err);
            if (rc)
                fprintf(stderr, "powrelay: %s\n", err);
            prr_scenario_free(&sc);
        }
    }
    prr_source_free(&src);
out:
    free(command);
    for (size_t i = 0; i < n_owned; i++)
        free(owned[i]);
    free(owned);
    free(sets);
    return rc;
}
