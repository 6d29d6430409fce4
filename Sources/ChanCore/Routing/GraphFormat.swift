/// Where a graph came from.
public enum GraphFormat: String, Sendable, Codable {
    /// Core Lightning `listchannels` JSON.
    case clnListChannels = "cln_listchannels"
    /// LND `lncli describegraph` JSON.
    case lndDescribeGraph = "lnd_describegraph"
    /// LND's small routing test graphs (`routing/testdata/*.json`).
    case lndTestGraph = "lnd_testgraph"
    /// Built in code, e.g. by a test.
    case built
}
