#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool_world.h"
#include "tmpdir.h"

#define ARGS_MAX 32

static int write_creds(const char *path, enum pool_keys keys)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    if (keys & POOL_KEY1)
        fprintf(f, "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n", KEY_ID,
                SECRET);
    if (keys & POOL_KEY2)
        fprintf(f, "[second]\naws_access_key_id = %s\naws_secret_access_key = %s\n", KEY_ID2,
                SECRET2);
    return fclose(f) == 0 ? 0 : -1;
}

int pool_start_emu(struct pool_world *p, size_t i, const char *const *emu_args)
{
    char prog[PATH_MAX], name[32];
    const char *argv[ARGS_MAX] = {child_program(prog, sizeof prog, "awsv2-due-emu"),
                                  "--import-credentials", p->creds[i], "--symlink", p->link[i]};

    child_args(argv, ARGS_MAX, 5, emu_args);
    snprintf(name, sizeof name, "emu%zu.log", i);
    return world_start_logged(&p->emu[i], argv, p->w.dir, name);
}

int pool_start_emus(struct pool_world *p, size_t n, const enum pool_keys *keys,
                    const char *const *emu_args)
{
    if (n > POOL_DEVICES || world_dir(&p->w) != 0)
        return -1;
    p->n = n;
    for (size_t i = 0; i < n; i++) {
        snprintf(p->link[i], sizeof p->link[i], "%s/due%zu", p->w.dir, i);
        snprintf(p->creds[i], sizeof p->creds[i], "%s/credentials%zu", p->w.dir, i);
        if (write_creds(p->creds[i], keys[i]) != 0 || pool_start_emu(p, i, emu_args) != 0)
            return -1;
    }
    return 0;
}

/* argv for the daemon: options, then one due: spec per device. */
static void hsmd_argv(struct pool_world *p, const char *const *hsmd_args, const char **argv,
                      char *prog, char (*specs)[PATH_MAX + 32])
{
    const char *first[] = {child_program(prog, PATH_MAX, "daemon/awsv2-hsmd"), "--listen",
                           "127.0.0.1:0", NULL};
    size_t n = child_args(argv, ARGS_MAX - POOL_DEVICES, 0, first);
    n = child_args(argv, ARGS_MAX - POOL_DEVICES, n, hsmd_args);
    for (size_t i = 0; i < p->n; i++) {
        snprintf(specs[i], PATH_MAX + 32, "due:%s%s", p->link[i],
                 p->spec_options ? p->spec_options : "");
        argv[n++] = specs[i];
    }
    argv[n] = NULL;
}

int pool_start_hsmd(struct pool_world *p, const char *const *hsmd_args)
{
    char prog[PATH_MAX], specs[POOL_DEVICES][PATH_MAX + 32];
    const char *argv[ARGS_MAX];

    hsmd_argv(p, hsmd_args, argv, prog, specs);
    return world_start_hsmd_argv(&p->w, argv);
}

int pool_run_hsmd(struct pool_world *p, const char *const *hsmd_args, char *err, size_t size)
{
    char prog[PATH_MAX], specs[POOL_DEVICES][PATH_MAX + 32];
    const char *argv[ARGS_MAX];

    hsmd_argv(p, hsmd_args, argv, prog, specs);
    return child_run(argv, err, size);
}

long pool_metric(const struct pool_world *p, const char *series)
{
    char url[600], want[256];
    static __thread struct http_result r;

    snprintf(url, sizeof url, "%s/metrics", p->w.base);
    if (world_http("GET", url, NULL, 0, NULL, &r) != 0 || r.status != 200)
        return -1;
    snprintf(want, sizeof want, "\n%s ", series);
    const char *at = strstr(r.body, want);
    return at ? strtol(at + strlen(want), NULL, 10) : -1;
}

int pool_stop(struct pool_world *p)
{
    int rc = 0;
    char name[32];

    if (p->w.hsmd.pid > 0 && child_stop(&p->w.hsmd, SIGTERM, CHILD_TIMEOUT_MS) != 0)
        rc = -1;
    for (size_t i = 0; i < p->n; i++)
        if (p->emu[i].pid > 0 && child_stop(&p->emu[i], SIGTERM, CHILD_TIMEOUT_MS) != 0)
            rc = -1;
    if (rc != 0) {
        world_show_log(p->w.dir, "hsmd.log");
        for (size_t i = 0; i < p->n; i++) {
            snprintf(name, sizeof name, "emu%zu.log", i);
            world_show_log(p->w.dir, name);
        }
    }
    if (p->w.dir[0])
        tmpdir_remove(p->w.dir);
    p->w.dir[0] = '\0';
    return rc;
}
