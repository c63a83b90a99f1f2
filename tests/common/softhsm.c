/* A SoftHSM2 token of its own (softhsm.h). */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "softhsm.h"
#include "tmpdir.h"

int softhsm_find_program(const char *name, char *out, size_t cap)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        snprintf(out, cap, "%.*s/%s", (int)n, path, name);
        if (n && access(out, X_OK) == 0)
            return 0;
        path += n + (path[n] == ':');
    }
    return -1;
}

int softhsm_find(struct softhsm *t, char *why, size_t cap)
{
    static const char *const places[] = {
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib64/pkcs11/libsofthsm2.so",
        "/usr/lib/pkcs11/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
        NULL,
    };
    const char *env = getenv("SOFTHSM2_MODULE");
    t->module[0] = '\0';
    if (env && *env)
        snprintf(t->module, sizeof t->module, "%s", env);
    for (int i = 0; !t->module[0] && places[i]; i++)
        if (access(places[i], R_OK) == 0)
            snprintf(t->module, sizeof t->module, "%s", places[i]);
    if (!t->module[0] || access(t->module, R_OK) != 0 ||
        softhsm_find_program("softhsm2-util", t->util, sizeof t->util) != 0) {
        snprintf(why, cap, "SoftHSM2 is not installed (no libsofthsm2.so or softhsm2-util; "
                           "set SOFTHSM2_MODULE to the module's path, or on Debian: apt-get "
                           "install softhsm2)");
        return -1;
    }
    return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void softhsm_remove(struct softhsm *t)
{
    if (t->dir[0])
        nftw(t->dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
    t->dir[0] = '\0';
}

int softhsm_create(struct softhsm *t, const char *prefix, const char *label, const char *pin,
                   char *why, size_t cap)
{
    if (softhsm_find(t, why, cap))
        return -1;
    if (tmpdir_create(t->dir, sizeof t->dir, prefix)) {
        snprintf(why, cap, "cannot make a temporary directory");
        return -1;
    }
    char conf[640];
    snprintf(t->tokens, sizeof t->tokens, "%s/tokens", t->dir);
    snprintf(conf, sizeof conf, "%s/softhsm2.conf", t->dir);
    FILE *f = fopen(conf, "w");
    if (mkdir(t->tokens, 0700) != 0 || !f) {
        if (f)
            fclose(f);
        snprintf(why, cap, "cannot write %s", conf);
        softhsm_remove(t);
        return -1;
    }
    fprintf(f, "directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n",
            t->tokens);
    fclose(f);
    setenv("SOFTHSM2_CONF", conf, 1);
    const char *argv[] = {t->util, "--init-token", "--free", "--label", label, "--so-pin",
                          "12345678", "--pin", pin, NULL};
    char err[512];
    if (child_run(argv, err, sizeof err) != 0) {
        snprintf(why, cap, "softhsm2-util --init-token failed: %s", err);
        softhsm_remove(t);
        return -1;
    }
    return 0;
}
