/* Temporary directories (see tmpdir.h). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tmpdir.h"

int tmpdir_create(char *dir, size_t cap, const char *prefix)
{
    const char *tmp = getenv("TMPDIR");
    int n = snprintf(dir, cap, "%s/%s.XXXXXX", tmp && *tmp ? tmp : P_tmpdir, prefix);
    return n > 0 && (size_t)n < cap && mkdtemp(dir) ? 0 : -1;
}

int tmpdir_add_credentials(const char *dir)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/credentials", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
          "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n",
          f);
    return fclose(f);
}

void tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;

    if (!d)
        return;
    while ((de = readdir(d))) {
        char path[PATH_MAX];
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
            unlink(path);
        }
    }
    closedir(d);
    rmdir(dir);
}
