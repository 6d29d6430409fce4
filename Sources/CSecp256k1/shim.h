#ifndef CHAN_CSECP256K1_SHIM_H
#define CHAN_CSECP256K1_SHIM_H
#include <secp256k1.h>
#include <secp256k1_ecdh.h>
#include <secp256k1_recovery.h>

/* Swift 6 refuses to read C globals directly; these accessors expose them. */
static inline const secp256k1_context *chan_secp256k1_context_static(void) {
    return secp256k1_context_static;
}
static inline secp256k1_ecdh_hash_function chan_secp256k1_ecdh_hash_sha256(void) {
    return secp256k1_ecdh_hash_function_sha256;
}
#endif
