// The libFuzzer entry points, compiled only by Tools/fuzz.sh (never by `swift build`): one
// binary for every target, which `FUZZ_TARGET` picks.
import ChanFuzz
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The target this process fuzzes; `FUZZ_TARGET=list` prints the names and exits.
let selected: FuzzTarget = {
    let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    if name == "list" {
        for target in FuzzTargets.all { print(target.name) }
        exit(0)
    }
    guard let target = FuzzTargets.named(name) else {
        let message = "FUZZ_TARGET must name a target (FUZZ_TARGET=list shows them); got '\(name)'\n"
        _ = message.withCString { write(2, $0, strlen($0)) }
        exit(2)
    }
    return target
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> CInt {
    _ = selected
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do {
        try selected.run(input)
    } catch {
        // A broken property is a crash to libFuzzer: it saves the input.
        fatalError("\(selected.name): \(error)")
    }
    return 0
}
