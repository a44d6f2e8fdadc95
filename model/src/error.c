#include "powrelay/error.h"

static const char *const messages[PR_ERR__COUNT] = {
    [PR_OK] = "ok",
    [PR_ERR_NOMEM] = "out of memory",
    [PR_ERR_INVALID] = "invalid argument",
    [PR_ERR_TRUNCATED] = "message truncated",
    [PR_ERR_MALFORMED] = "message malformed",
    [PR_ERR_UNKNOWN_TYPE] = "unknown message type",
    [PR_ERR_TOO_LARGE] = "message over the protocol limit",
    [PR_ERR_VERSION] = "unsupported version",
    [PR_ERR_NOT_PEER] = "sender is not a peer",
    [PR_ERR_LIMIT] = "limit reached",
    [PR_ERR_QUEUE_FULL] = "solver queue full",
    [PR_ERR_BAD_POW] = "proof of work does not verify",
    [PR_ERR_STATE] = "not valid in this state",
};

const char *pr_strerror(int err)
{
    if (err < 0 || err >= PR_ERR__COUNT)
        return "unknown error";
    return messages[err];
}
