#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// This process's memory use, from /proc (Linux); nil elsewhere.
public enum ProcessMemory {
    /// Peak resident set size (`VmHWM`) in bytes.
    public static func peakResidentBytes() -> UInt64? {
        guard let file = fopen("/proc/self/status", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, Int32(line.count), file) != nil {
            let text = String(decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            guard text.hasPrefix("VmHWM:") else { continue }
            // "VmHWM:    123456 kB"
            let digits = text.dropFirst(6).filter { $0.isNumber }
            return UInt64(digits).map { $0 * 1024 }
        }
        return nil
    }
}
