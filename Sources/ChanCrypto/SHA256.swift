import COpenSSL

/// SHA-256 through libcrypto.
public enum SHA256 {
    public static func hash<C: ContiguousCollection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        var digest = [UInt8](repeating: 0, count: 32)
        data.withContiguousBytes { input in
            var length: UInt32 = 0
            // EVP_Digest only fails on allocation failure inside libcrypto.
            precondition(EVP_Digest(input.baseAddress, input.count, &digest, &length, OpenSSLAlgorithms.shared.sha256, nil) == 1)
        }
        return digest
    }

    /// SHA-256 of SHA-256: the ledger's txid and sighash.
    public static func doubleHash<C: ContiguousCollection>(_ data: C) -> [UInt8] where C.Element == UInt8 {
        hash(hash(data))
    }
}

/// Collections whose bytes can be read in place.
public protocol ContiguousCollection: Collection {
    func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R
}

extension Array: ContiguousCollection where Element == UInt8 {
    public func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(body)
    }
}

extension ArraySlice: ContiguousCollection where Element == UInt8 {
    public func withContiguousBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeBytes(body)
    }
}
