#include <string.h>

#include "outcome.h"

/* The device's refusals and what each says about the request. */
static const struct hsmd_outcome refusals[] = {
    {403, "unknown-awsaccesskey"},
    {413, "message-too-long"},
    {400, "invalid-command"},
    {400, "awsaccesskeyid-not-found"},
    {400, "invalid-awsaccesskeyid"},
    {400, "unsupported-signaturemethod"},
    /* The device works but cannot sign now. */
    {503, "locked"},
    {503, "storage-failure"},
};

struct hsmd_outcome hsmd_outcome_of(awsv2_status st, const char *code)
{
    switch (st) {
    case AWSV2_E_REFUSED:
        for (size_t i = 0; i < sizeof refusals / sizeof refusals[0]; i++)
            if (strcmp(code, refusals[i].code) == 0)
                return refusals[i];
        return (struct hsmd_outcome){403, "refused"};
    case AWSV2_E_INVALID:
        return (struct hsmd_outcome){400, "invalid-command"};
    case AWSV2_E_DEVICE:
        return (struct hsmd_outcome){503, "device-unavailable"};
    case AWSV2_E_PROTOCOL: /* a garbled reply: the device is not working right */
        return (struct hsmd_outcome){503, "device-protocol-error"};
    case AWSV2_E_TIMEOUT:
        return (struct hsmd_outcome){504, "device-timeout"};
    default:
        return (struct hsmd_outcome){500, "internal-error"};
    }
}
