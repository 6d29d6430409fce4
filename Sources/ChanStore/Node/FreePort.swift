#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP port for a new node: one nothing is bound to now, picked at random below the kernel's
/// ephemeral range (Linux: 32768 and up; macOS: 49152 and up). A port the kernel hands out
/// itself (bind to port 0) is an ephemeral one, which any outgoing connection, a peer's say,
/// may take as its source port before the daemon starts and binds it. Node creation also
/// avoids the ports other nodes of the home recorded.
enum FreePort {
    static let range: ClosedRange<UInt16> = 20_000...32_767

    static func find() throws(StoreError) -> UInt16 {
        for _ in 0..<64 {
            let port = UInt16.random(in: range)
            if isFree(port) { return port }
        }
        throw .noFreePort
    }

    /// Whether 127.0.0.1:`port` can be bound now (the test socket is closed at once).
    private static func isFree(_ port: UInt16) -> Bool {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return bound == 0
    }
}
