import ChanCore
import Foundation
import Testing

/// docs/channel-lifecycle.md must match the code: every change of state the code records is in
/// the transition table with its target state and cause, and the table and the Mermaid diagram
/// have the same edges.
@Suite struct ChannelLifecycleDocTests {
    private static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    private static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }

    /// The table's rows: (from states, to state, recorded cause texts).
    private static func tableRows(_ document: String) -> [(from: [String], to: String, causes: [String])] {
        let section = document.components(separatedBy: "## Every transition").last!.components(separatedBy: "\n## ").first!
        return section.split(separator: "\n").compactMap { line -> (from: [String], to: String, causes: [String])? in
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 6, ChannelPhase(rawValue: cells[2]) != nil else { return nil }
            let from = cells[1].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            let causes = cells[4].components(separatedBy: "`").enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
            return (from, cells[2], causes)
        }
    }

    @Test func everyRecordedCauseIsDocumentedWithItsTargetState() throws {
        let document = try Self.text("docs/channel-lifecycle.md")
        let rows = Self.tableRows(document)
        #expect(rows.count >= 15)
        let directory = Self.root.appendingPathComponent("Sources/ChanCore/Channel")
        var found = 0
        for file in try FileManager.default.contentsOfDirectory(atPath: directory.path) where file.hasSuffix(".swift") {
            let source = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            // `transition(to: .phase, cause: "...")`, and `forceClose(cause: "...")`, which goes to force_closing.
            let pattern = #"(?:transition\(to: \.(\w+)|forceClose\()\s*,?\s*cause: "((?:[^"\\]|\\.)*)""#
            let expression = try NSRegularExpression(pattern: pattern)
            for match in expression.matches(in: source, range: NSRange(source.startIndex..., in: source)) {
                found += 1
                let phaseName = Range(match.range(at: 1), in: source).map { String(source[$0]) }
                let target = phaseName.flatMap { name in ChannelPhase.allCases.first { "\($0)" == name } } ?? .forceClosing
                let literal = String(source[Range(match.range(at: 2), in: source)!])
                // Interpolated values stand for anything (the table writes N, H, <kind>...).
                let causePattern = "^" + NSRegularExpression.escapedPattern(for: literal)
                    .replacingOccurrences(of: #"\\\\\\\(.*?\\\)"#, with: ".+", options: .regularExpression) + "$"
                let cause = try NSRegularExpression(pattern: causePattern)
                let documented = rows.contains { row in
                    row.to == target.rawValue && row.causes.contains { cause.firstMatch(in: $0, range: NSRange($0.startIndex..., in: $0)) != nil }
                }
                #expect(documented, "\(file): -> \(target.rawValue) \"\(literal)\" is not in the table")
            }
        }
        #expect(found >= 12)
    }

    @Test func theDiagramHasTheTablesEdges() throws {
        let document = try Self.text("docs/channel-lifecycle.md")
        let mermaid = document.components(separatedBy: "```mermaid").last!.components(separatedBy: "```").first!
        var diagramEdges: Set<String> = []
        for line in mermaid.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)[0].components(separatedBy: "-->")
            guard parts.count == 2 else { continue }
            let from = parts[0].trimmingCharacters(in: .whitespaces), to = parts[1].trimmingCharacters(in: .whitespaces)
            if from != "[*]", to != "[*]" { diagramEdges.insert("\(from) -> \(to)") }
        }
        var tableEdges: Set<String> = []
        for row in Self.tableRows(document) {
            for from in row.from where ChannelPhase(rawValue: from) != nil { tableEdges.insert("\(from) -> \(row.to)") }
        }
        // "any state with a signed funding, not closed" is spelled out in the diagram.
        for from in ["awaiting_funding", "normal", "shutting_down", "closing", "force_closing"] { tableEdges.insert("\(from) -> closed") }
        #expect(diagramEdges == tableEdges)
        for phase in ChannelPhase.allCases { #expect(mermaid.contains(phase.rawValue)) }
    }
}
