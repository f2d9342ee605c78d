import EWSXML
import Foundation
import TaskModel
import TestSupport
import Testing

/// Hostile inputs: each must be refused with a diagnostic, quickly, reading nothing from outside.
@Suite struct EWSSecurityTests {
  /// Reads `bytes`, expecting a refusal within `seconds`; returns the refusal.
  private func refusal(_ bytes: [UInt8], seconds: Double = 5) throws -> UnreadableInput {
    let start = Date()
    var refused: UnreadableInput?
    do {
      let document = try EWSDocument.read(bytes, file: "hostile.xml")
      Issue.record("accepted with \(document.result.tasks.count) tasks: \(document.result.tasks.map(\.subject))")
    } catch let error as UnreadableInput {
      refused = error
    }
    #expect(Date().timeIntervalSince(start) < seconds)
    return try #require(refused)
  }

  @Test(arguments: ["billion-laughs.xml", "xxe-passwd.xml", "dtd-network.xml", "parameter-entity.xml"])
  func documentsWithADoctypeAreRefused(name: String) throws {
    let error = try refusal(EWS.fixture("security/" + name))
    #expect(error.diagnostic.message.contains("DOCTYPE"))
    #expect(error.diagnostic.line == 2)
    #expect(error.diagnostic.column == 1)
    // Nothing of /etc/passwd anywhere.
    #expect(!error.description.contains("root:"))
  }

  @Test func undeclaredEntitiesAreRefused() throws {
    let error = try refusal(EWS.fixture("security/undeclared-entity.xml"))
    #expect(error.diagnostic.message.contains("nbsp"))
  }

  @Test func quadraticBlowUpIsRefusedQuickly() throws {
    let entity = String(repeating: "a", count: 100_000)
    let references = String(repeating: "&a;", count: 100_000)
    let text = """
      <?xml version="1.0"?>
      <!DOCTYPE t:Task [<!ENTITY a "\(entity)">]>
      <t:Task xmlns:t="\(EWSNames.typesNamespace)"><t:Subject>\(references)</t:Subject></t:Task>
      """
    let error = try refusal(Array(text.utf8), seconds: 2)
    #expect(error.diagnostic.message.contains("DOCTYPE"))
  }

  @Test func aHugeTextNodeIsRefused() throws {
    // libxml2 refuses text nodes over 10,000,000 bytes without XML_PARSE_HUGE; the reader's own
    // limit is lower here to show it works too.
    var bytes = Array("<t:Task xmlns:t=\"\(EWSNames.typesNamespace)\"><t:Subject>".utf8)
    bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 11_000_000)
    bytes += Array("</t:Subject></t:Task>".utf8)
    let start = Date()
    #expect(throws: UnreadableInput.self) { try EWSDocument.read(bytes, file: "big.xml") }
    #expect(throws: UnreadableInput.self) {
      try EWSDocument.read(
        Array(bytes.prefix(200_000)) + Array("</t:Subject></t:Task>".utf8), file: "big.xml",
        limits: EWSLimits(maximumTextBytes: 100_000))
    }
    #expect(Date().timeIntervalSince(start) < 10)
  }

  @Test func inputsOverTheSizeLimitAreRefusedBeforeParsing() throws {
    let bytes = Array("<t:Task xmlns:t=\"\(EWSNames.typesNamespace)\"/>".utf8)
    do {
      _ = try EWSDocument.read(bytes, file: "s.xml", limits: EWSLimits(maximumInputBytes: 10))
      Issue.record("an input over the limit was read")
    } catch let error as UnreadableInput {
      #expect(error.diagnostic.message.contains("limited to 10 bytes"))
    }
  }

  @Test func deepNestingIsRefused() throws {
    let depth = 10_000
    let text = String(repeating: "<a>", count: depth) + String(repeating: "</a>", count: depth)
    let refused = try refusal(Array(text.utf8))
    #expect(refused.diagnostic.message.contains("elements nested deeper than 256 levels"), "\(refused)")
  }

  /// A document cut short anywhere must never read as a success with fewer tasks, and the
  /// refusal says that the file may be cut (not libxml2's "Extra content at the end").
  @Test func truncatedDocumentsAreRefusedAtEveryByte() throws {
    let bytes = try EWS.fixture("finditem-tasks.xml")
    let full = try EWSDocument.read(bytes, file: "t.xml").result.tasks
    var accepted = 0
    for cut in Splits.points(count: bytes.count) where cut < bytes.count {
      do {
        let partial = try EWSDocument.read(Array(bytes[..<cut]), file: "t.xml").result.tasks
        // Only a cut inside the trailing white space may read, and then it reads everything.
        #expect(partial == full, "cut at \(cut) read \(partial.count) tasks")
        accepted += 1
      } catch let refused as UnreadableInput {
        guard cut > 0 else { continue }  // an empty file is refused as empty
        #expect(refused.diagnostic.message.contains("(it may have been cut short)"), "cut at \(cut): \(refused)")
      }
    }
    #expect(accepted <= 1)
  }
}
