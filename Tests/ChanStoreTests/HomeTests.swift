import ChanStore
import Foundation
import Testing

@Suite struct HomeTests {
    @Test("a home is an absolute, normalized path")
    func absolutePaths() {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(FileSystem.absolutePath("net") == cwd + "/net")
        #expect(FileSystem.absolutePath("./net/./a//") == cwd + "/net/a")
        #expect(FileSystem.absolutePath("/tmp//x/./y/") == "/tmp/x/y")
        #expect(FileSystem.absolutePath("/") == "/")
        #expect(Home.resolve(option: "rel/home").path == cwd + "/rel/home")
    }

    @Test("an existing home open to others is restricted to its owner, once")
    func restrictsPermissions() throws {
        let directory = try TemporaryDirectory()
        let home = Home(path: directory.path)
        chmod(home.path, 0o755)
        #expect(home.restrictPermissions() == 0o755)
        var info = stat()
        stat(home.path, &info)
        #expect(info.st_mode & 0o777 == 0o700)
        #expect(home.restrictPermissions() == nil)
        #expect(Home(path: directory.path + "/missing").restrictPermissions() == nil)
    }
}
