import CSecp256k1

/// The one signing/verifying context of the process. libsecp256k1 allows a context to be
/// shared across threads for every operation we use (nothing here mutates it after
/// randomisation), hence `@unchecked Sendable`.
final class Secp256k1Context: @unchecked Sendable {
    static let shared = Secp256k1Context()

    let pointer: OpaquePointer

    private init() {
        guard let context = secp256k1_context_create(UInt32(SECP256K1_CONTEXT_NONE)) else {
            fatalError("secp256k1_context_create failed")
        }
        // Blinding against side channels; a failure to randomise is not fatal to correctness.
        if var seed = try? SecureRandom.bytes(32) {
            _ = secp256k1_context_randomize(context, &seed)
        }
        pointer = context
    }
}
