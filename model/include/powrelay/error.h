/* powrelay model: the one error enum of the library.
 *
 * Every function of the model that can fail returns one of these (PR_OK on success); predicates return
 * bool. pr_strerror() gives a short, static, human-readable text for each code. */
#ifndef POWRELAY_ERROR_H
#define POWRELAY_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

enum pr_err {
    PR_OK = 0,
    PR_ERR_NOMEM,        /* an allocation failed */
    PR_ERR_INVALID,      /* bad argument or configuration value */
    PR_ERR_TRUNCATED,    /* a message is shorter than its header says */
    PR_ERR_MALFORMED,    /* a message field is out of range, or lengths disagree */
    PR_ERR_UNKNOWN_TYPE, /* a message type this version does not know */
    PR_ERR_TOO_LARGE,    /* a batch or block over the protocol's limit */
    PR_ERR_VERSION,      /* unsupported wire version or host ABI version */
    PR_ERR_NOT_PEER,     /* bytes from a node that is not a peer */
    PR_ERR_LIMIT,        /* a fixed bound reached (peers per node, ...) */
    PR_ERR_QUEUE_FULL,   /* the PoW solver queue is full: the job was dropped */
    PR_ERR_BAD_POW,      /* a sha256 proof of work does not verify */
    PR_ERR_STATE,        /* the call is not valid in the node's current state */
    PR_ERR__COUNT
};

const char *pr_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif
