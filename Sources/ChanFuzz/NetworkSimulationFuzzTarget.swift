import ChanSim

/// The network consistency fuzzer under libFuzzer: the input's first two bytes pick the size
/// (3 to 5 nodes) and the topology, the rest decides the run's draws (channel sizes, fees,
/// operations, which link delivers, drops and restarts; `SimulationRandom(script:)`). Any
/// violation of the network's invariants or a failed audit is a failure. Runs are short (a few
/// dozen operations) so that an execution takes about a second.
enum NetworkSimulationFuzzTarget {
    static let operations = 30

    static let network = FuzzTarget("network_sim", "chan sim network driven by the input's bytes") { bytes throws(FuzzFailure) in
        var input = FuzzInput(bytes)
        let nodeCount = 3 + Int(input.u8() % 3)
        let topologies = NetworkTopology.allCases
        let topology = topologies[Int(input.u8()) % topologies.count]
        let options = NetworkSimulationOptions(seed: 1, operations: operations, nodeCount: nodeCount, topology: topology,
                                               disconnectRate: 0.05, restartRate: 0.05, settleChance: 0.05, traceLength: 30)
        let report = NetworkSimulation.run(options, script: input.rest())
        try require(report.violations.messages.isEmpty,
                    "violations: \(report.violations.messages)\n\(report.trace.joined(separator: "\n"))")
        try require(report.audit?.ok == true, "the audit failed: \(report.audit?.problems ?? ["no audit"])")
    }
}
