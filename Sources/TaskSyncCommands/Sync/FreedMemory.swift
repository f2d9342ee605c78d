import Foundation

/// Gives the memory freed so far back to the system, where the C library can (glibc keeps
/// freed memory for reuse otherwise, and `malloc_trim` is how it lets go of it).
///
/// A run calls it between planning and writing: the planner's indexes are gone by then, and
/// the outputs and the new state would otherwise grow the process on top of the pages glibc
/// kept, raising its peak by some 15 MiB at 100,000 tasks a side.
package func returnFreedMemory() {
  #if canImport(Glibc)
    typealias Trim = @convention(c) (Int) -> Int32
    // Declared in <malloc.h>, which the Glibc module does not expose.
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return }
    _ = unsafeBitCast(symbol, to: Trim.self)(0)
  #endif
}
