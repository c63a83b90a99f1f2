/* See faults.h. */
#include "faults.h"

#include <pthread.h>
#include <stdlib.h>

struct mock_faults {
    pthread_mutex_t lock;
    unsigned long ordered; /* by the control endpoint, with ordered_status */
    unsigned ordered_status;
    unsigned long fail_503;
    unsigned long fail_throttle;
};

mock_faults *mock_faults_new(unsigned long fail_503, unsigned long fail_throttle)
{
    mock_faults *f = calloc(1, sizeof *f);
    if (f == NULL)
        return NULL;
    pthread_mutex_init(&f->lock, NULL);
    f->fail_503 = fail_503;
    f->fail_throttle = fail_throttle;
    return f;
}

void mock_faults_free(mock_faults *f)
{
    if (f == NULL)
        return;
    pthread_mutex_destroy(&f->lock);
    free(f);
}

void mock_faults_order(mock_faults *f, unsigned status, unsigned long count)
{
    pthread_mutex_lock(&f->lock);
    f->ordered_status = status;
    f->ordered = count;
    pthread_mutex_unlock(&f->lock);
}

unsigned mock_faults_take(mock_faults *f, bool *throttle)
{
    unsigned status = 0;
    *throttle = false;
    pthread_mutex_lock(&f->lock);
    if (f->ordered > 0) {
        f->ordered--;
        status = f->ordered_status;
    } else if (f->fail_503 > 0) {
        f->fail_503--;
        status = 503;
    } else if (f->fail_throttle > 0) {
        f->fail_throttle--;
        status = 400;
        *throttle = true;
    }
    pthread_mutex_unlock(&f->lock);
    return status;
}
