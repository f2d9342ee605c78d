import Dispatch

extension Side {
  /// `work` for Outlook and for Salesforce: side by side on two cores when `inParallel`, else
  /// one after the other. Each side's work must touch only what is its own.
  static func both<T>(inParallel: Bool, _ work: @Sendable (Side) -> T) -> (outlook: T, salesforce: T) {
    guard inParallel else { return (work(.outlook), work(.salesforce)) }
    let results = UnsafeMutableBufferPointer<T>.allocate(capacity: 2)
    defer { results.deallocate() }
    let slots = Slots(base: results.baseAddress!)
    DispatchQueue.concurrentPerform(iterations: 2) { k in
      (slots.base + k).initialize(to: work(k == 0 ? .outlook : .salesforce))
    }
    return (results.baseAddress!.move(), (results.baseAddress! + 1).move())
  }
}

/// Handed to the two threads: each initializes only its own slot.
private struct Slots<T>: @unchecked Sendable {
  let base: UnsafeMutablePointer<T>
}
