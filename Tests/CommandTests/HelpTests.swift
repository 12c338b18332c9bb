import ArgumentParser
import CBAMKit
import Foundation
import XCTest
@testable import cbam

/// Issue 13: help that teaches. Every subcommand's help ends with examples, every option
/// that takes a value says its default, and `cbam --version` answers.
final class HelpTests: XCTestCase {
    /// Every command, nested ones included, with its path of names.
    private static func commands(_ command: ParsableCommand.Type = CBAM.self, path: [String] = []) -> [(path: [String], type: ParsableCommand.Type)] {
        command.configuration.subcommands.flatMap { sub -> [(path: [String], type: ParsableCommand.Type)] in
            let name = sub.configuration.commandName ?? sub._commandName
            return [(path + [name], sub)] + commands(sub, path: path + [name])
        }
    }

    /// ArgumentParser's own description of a command's arguments (`--experimental-dump-help`).
    private static func arguments(of path: [String]) throws -> (discussion: String, options: [[String: Any]]) {
        do {
            _ = try CBAM.parseAsRoot(path + ["--experimental-dump-help"])
            throw XCTSkip("no help dump for \(path)")
        } catch let error where !(error is XCTSkip) {
            let json = CBAM.fullMessage(for: error)
            let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            let command = object["command"] as! [String: Any]
            let arguments = command["arguments"] as? [[String: Any]] ?? []
            return (command["discussion"] as? String ?? "", arguments.filter { $0["kind"] as? String == "option" })
        }
    }

    func testEveryCommandsHelpShowsExamples() throws {
        let commands = Self.commands()
        XCTAssertTrue(commands.contains { $0.path == ["info"] })
        XCTAssertTrue(commands.contains { $0.path == ["bench", "attention"] })
        for (path, _) in commands {
            let discussion = try Self.arguments(of: path).discussion
            let examples = discussion.components(separatedBy: "Examples:\n").last!.split(separator: "\n")
                .filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("cbam ") }
            XCTAssertTrue(discussion.contains("Examples:"), "\(path)")
            XCTAssertGreaterThanOrEqual(examples.count, 2, "\(path): \(discussion)")
        }
    }

    func testEveryOptionSaysItsDefault() throws {
        for (path, _) in Self.commands() {
            for option in try Self.arguments(of: path).options where option["isOptional"] as? Bool == true {
                let names = (option["names"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
                let said = (option["abstract"] as? String ?? "").lowercased().contains("default")
                XCTAssertTrue(option["defaultValue"] != nil || said, "\(path) --\(names.first ?? "?") shows no default")
            }
        }
    }

    func testVersion() {
        XCTAssertThrowsError(try CBAM.parseAsRoot(["--version"])) { error in
            XCTAssertEqual(CBAM.exitCode(for: error), .success)
            XCTAssertEqual(CBAM.fullMessage(for: error), CBAMVersion.current)
        }
    }
}
