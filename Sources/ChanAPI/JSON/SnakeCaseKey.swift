/// How a Swift property name becomes a JSON key: `shortChannelID` -> `short_channel_id`.
/// An acronym is one word, its plural too (`nodeIDs` -> `node_ids`, `HTLCs` -> `htlcs`), where
/// Foundation's `convertToSnakeCase` splits it (`node_i_ds`); every other name is spelt as
/// Foundation spells it, so `convertFromSnakeCase` still reads the keys back.
public enum SnakeCaseKey {
    public static func convert(_ name: String) -> String {
        let characters = Array(name)
        guard characters.contains(where: \.isUppercase) else { return name }
        var words: [String] = []
        var current = ""
        func flush() {
            if !current.isEmpty { words.append(current) }
            current = ""
        }
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "_" {
                // An underscore is kept as written: leading ones, and the separator of a key
                // that is already snake_case.
                flush()
                words.append("")
                index += 1
                continue
            }
            guard character.isUppercase else {
                current.append(character)
                index += 1
                continue
            }
            // A run of capitals: an acronym (`ID`, `HTLC`), or one capital starting a word.
            var end = index
            while end < characters.count, characters[end].isUppercase { end += 1 }
            flush()
            let run = String(characters[index..<end])
            let nextIsLowercase = end < characters.count && characters[end].isLowercase
            if run.count > 1, nextIsLowercase, !isPluralS(characters, at: end) {
                // `URLString`: the last capital begins the next word.
                words.append(String(run.dropLast()))
                current = String(run.last!)
            } else {
                current = run
                if run.count > 1, nextIsLowercase {
                    // `IDs`: the plural belongs to the acronym.
                    current.append("s")
                    end += 1
                }
            }
            index = end
        }
        flush()
        var key = ""
        for (position, word) in words.enumerated() {
            if word.isEmpty { key.append("_"); continue }
            if position > 0, !words[position - 1].isEmpty { key.append("_") }
            key += word.lowercased()
        }
        return key
    }

    /// An `s` that ends the name or is followed by another word (a capital, digit or underscore).
    private static func isPluralS(_ characters: [Character], at index: Int) -> Bool {
        guard characters[index] == "s" else { return false }
        let after = index + 1
        return after == characters.count || !characters[after].isLowercase
    }
}
