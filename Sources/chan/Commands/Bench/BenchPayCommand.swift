import ArgumentParser
import ChanAPI
import ChanLedger
import ChanNode
import ChanStore
import Foundation
import Synchronization

struct BenchPayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pay",
        abstract: "Payments per second between daemons on loopback, over one channel or several hops, durable writes on.",
        discussion: """
            Starts HOPS + 1 daemons in a temporary home, a line of channels between them \
            (`chan network up`), makes the payee's invoices, then pays them from the first node \
            with CONCURRENCY clients at once, each `pay` a JSON-RPC call that returns when the \
            payment is settled. Prints payments_per_s, p50_ms, p99_ms. Every daemon is stopped at \
            the end.

            Example: chan bench pay --payments 1000 --concurrency 64 --hops 2
            """
    )

    @Option(help: "How many payments.")
    var payments = 1000

    @Option(help: "How many payments are in flight at once (one RPC client each).")
    var concurrency = 64

    @Option(help: "Each payment's amount.")
    var amount: String = "10000"

    @Option(help: "Channels each payment crosses (1: a direct payment; 3: two forwarders).")
    var hops = 1

    func run() throws {
        guard payments > 0, concurrency > 0 else { throw ValidationError("--payments and --concurrency must be positive") }
        guard (1...20).contains(hops) else { throw ValidationError("--hops is 1 to 20") }
        let amount = try MilliSatoshi.parse(amount)
        let directory = try TemporaryDirectory(prefix: "chan-bench")
        let deployment = NetworkDeployment(home: directory.home, executable: NodeProcess.currentExecutable)
        defer { _ = try? deployment.down() }
        Progress.note("starting \(hops + 1) daemons in a line")
        let names = (0...hops).map { "n\($0)" }
        let line = Topology(announceDepth: 3, nodes: names.map { Topology.Node(name: $0) }, channels: (0..<hops).map { index in
            Topology.Channel(from: names[index], to: names[index + 1], capacitySat: Satoshi(1_000_000_000))
        })
        _ = try deployment.up(line)
        Progress.note("making \(payments) invoices")
        let payee = try NodeProcess.client(try LocalNode.open(home: directory.home, name: names[hops]))
        let invoices = try (0..<payments).map { _ in
            try payee.call("invoice", InvoiceParams(amountMsat: amount, description: "bench", expiry: 3600), as: InvoiceJSON.self).invoice
        }
        let payer = try LocalNode.open(home: directory.home, name: names[0])
        Progress.note("paying with \(concurrency) clients")
        let latencies = Mutex<[Double]>([])
        let failures = Mutex<[String]>([])
        let next = Atomic<Int>(0)
        let started = NodeProcess.monotonicSeconds()
        let group = DispatchGroup()
        for _ in 0..<min(concurrency, payments) {
            group.enter()
            let client = try NodeProcess.client(payer)
            let work = UnsafeSendable(client)
            Thread.detachNewThread {
                defer { group.leave() }
                while true {
                    let index = next.add(1, ordering: .relaxed).oldValue
                    guard index < invoices.count else { return }
                    let begin = NodeProcess.monotonicSeconds()
                    do {
                        _ = try work.value.call("pay", PayParams(invoice: invoices[index], amountMsat: nil, timeoutSeconds: 120), as: PaymentJSON.self)
                        latencies.withLock { $0.append((NodeProcess.monotonicSeconds() - begin) * 1000) }
                    } catch {
                        failures.withLock { $0.append("\(error)") }
                    }
                }
            }
        }
        group.wait()
        let elapsed = NodeProcess.monotonicSeconds() - started
        let sorted = latencies.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
        }
        struct Result: Encodable {
            let payments: Int
            let concurrency: Int
            let hops: Int
            let amountMsat: UInt64
            let succeeded: Int
            let failed: Int
            let seconds: Double
            let paymentsPerS: Double
            let p50Ms: Double
            let p99Ms: Double
            let maxMs: Double
            let durableWrites: Bool
            let firstFailure: String?
        }
        try Output.json(Result(
            payments: payments, concurrency: concurrency, hops: hops, amountMsat: amount.value, succeeded: sorted.count,
            failed: failures.withLock { $0.count }, seconds: rounded(elapsed), paymentsPerS: rounded(Double(sorted.count) / elapsed),
            p50Ms: rounded(percentile(0.5)), p99Ms: rounded(percentile(0.99)), maxMs: rounded(sorted.last ?? 0),
            durableWrites: true, firstFailure: failures.withLock { $0.first }))
    }
}

/// A value handed to one thread that alone uses it.
struct UnsafeSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
