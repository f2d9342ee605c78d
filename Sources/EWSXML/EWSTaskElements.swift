import TaskModel

/// Writes the children of a `t:Task` for model values, each tagged with its schema rank so that
/// they can be merged with the children a task already has.
struct EWSTaskElements {
  /// The prefix bound to the types namespace where the elements go (`""` for the default namespace).
  var prefix: String
  var dates: EWSDateTime

  struct Child {
    var rank: UInt8
    var bytes: [UInt8]
  }

  private func qualified(_ name: String) -> String { prefix.isEmpty ? name : prefix + ":" + name }

  private func leaf(_ name: String, _ text: String?, attributes: [(String, String)] = []) -> Child {
    var out = XMLOutput()
    out.element(qualified(name), attributes, text: text)
    return Child(rank: EWSNames.rank(name), bytes: out.bytes)
  }

  func subject(_ item: TaskItem) -> Child { leaf("Subject", item.subject) }

  func sensitivity(_ item: TaskItem, original: String? = nil) -> Child {
    if item.isPrivate, let original, original != "Normal" { return leaf("Sensitivity", original) }
    return leaf("Sensitivity", item.isPrivate ? "Private" : "Normal")
  }

  /// The body: the rich body when there is one (a VTODO's `X-ALT-DESC` beside its plain
  /// `DESCRIPTION` is the body Outlook shows; the plain one is its text), else the plain body;
  /// `nil` when there is neither. A body synced from Salesforce is plain only.
  func body(_ item: TaskItem) -> Child? {
    if let html = item.htmlBody, !html.isEmpty { return leaf("Body", html, attributes: [("BodyType", "HTML")]) }
    if let text = item.body, !text.isEmpty { return leaf("Body", text, attributes: [("BodyType", "Text")]) }
    return nil
  }

  func categories(_ item: TaskItem) -> Child? {
    guard !item.categories.isEmpty else { return nil }
    var out = XMLOutput()
    out.append("<" + qualified("Categories") + ">")
    for category in item.categories { out.element(qualified("String"), text: category) }
    out.append("</" + qualified("Categories") + ">")
    return Child(rank: TaskField.categories, bytes: out.bytes)
  }

  func importance(_ item: TaskItem) -> Child { leaf("Importance", EWSValues.text(item.priority)) }

  /// ReminderDueBy (when there is a time) and ReminderIsSet (when there is a reminder).
  func reminder(_ item: TaskItem) -> [Child] {
    guard let reminder = item.reminder else { return [] }
    var children: [Child] = []
    if let at = reminder.at { children.append(leaf("ReminderDueBy", dates.text(for: at))) }
    children.append(leaf("ReminderIsSet", reminder.isSet ? "true" : "false"))
    return children
  }

  /// One string extended property in tasksync's property set.
  func extendedProperty(_ name: String, _ value: String) -> Child {
    var out = XMLOutput()
    out.append("<" + qualified("ExtendedProperty") + ">")
    out.element(qualified("ExtendedFieldURI"), EWSTaskElements.fieldURIAttributes(name), text: nil)
    out.element(qualified("Value"), text: value)
    out.append("</" + qualified("ExtendedProperty") + ">")
    return Child(rank: TaskField.extendedProperty, bytes: out.bytes)
  }

  static func fieldURIAttributes(_ name: String) -> [(String, String)] {
    [("PropertySetId", EWSNames.propertySetId), ("PropertyName", name), ("PropertyType", "String")]
  }

  /// The extended properties of a task, as name → value (absent values are left out).
  static func extendedValues(_ item: TaskItem) -> [(String, String)] {
    var values: [(String, String)] = []
    if let reference = item.crossReference { values.append((EWSNames.crossReferenceProperty, reference)) }
    if let who = item.whoId { values.append((EWSNames.whoIdProperty, who)) }
    if let what = item.whatId { values.append((EWSNames.whatIdProperty, what)) }
    for name in item.extraFields.keys.sorted() {
      values.append((EWSNames.extraFieldPrefix + name, item.extraFields[name]!))
    }
    return values
  }

  /// The property name a synced field is kept in, for relation and extra fields.
  static func propertyName(_ field: SyncField) -> String? {
    switch field {
    case .whoId: EWSNames.whoIdProperty
    case .whatId: EWSNames.whatIdProperty
    default: field.extraName.map { EWSNames.extraFieldPrefix + $0 }
    }
  }

  /// The value of a relation or extra field on `item`.
  static func propertyValue(_ field: SyncField, of item: TaskItem) -> String? {
    switch field {
    case .whoId: item.whoId
    case .whatId: item.whatId
    default: field.extraName.flatMap { item.extraFields[$0] }
    }
  }

  mutating func dueDate(_ item: TaskItem) -> Child? { item.due.map { leaf("DueDate", dates.text(for: $0)) } }
  mutating func startDate(_ item: TaskItem) -> Child? { item.start.map { leaf("StartDate", dates.text(for: $0)) } }
  func completeDate(_ item: TaskItem) -> Child? { item.completedAt.map { leaf("CompleteDate", dates.text(for: $0)) } }
  func percentComplete(_ item: TaskItem) -> Child? { item.percentComplete.map { leaf("PercentComplete", String($0)) } }
  func status(_ item: TaskItem) -> Child { leaf("Status", EWSValues.text(item.status)) }
  func isComplete(_ item: TaskItem) -> Child { leaf("IsComplete", item.status == .completed ? "true" : "false") }
  func statusDescription(_ item: TaskItem) -> Child { leaf("StatusDescription", EWSValues.description(item.status)) }
  func lastModified(_ stamp: Timestamp) -> Child { leaf("LastModifiedTime", dates.text(for: stamp)) }

  /// Every child tasksync writes for a new task, in schema order. A document (`stamp` given)
  /// carries the task's key as ItemId when it has one (a converted export keeps its keys) and its
  /// last change (else the stamp) as LastModifiedTime; a CreateItem request (`stamp == nil`)
  /// leaves out both, as Exchange assigns them.
  mutating func all(_ item: TaskItem, stamp: Timestamp?) -> [Child] {
    var children: [Child] = []
    if stamp != nil, !item.key.isEmpty {
      var attributes = [("Id", item.key)]
      if let changeKey = item.changeKey, !changeKey.isEmpty { attributes.append(("ChangeKey", changeKey)) }
      children.append(leaf("ItemId", nil, attributes: attributes))
    }
    children += [subject(item), sensitivity(item)]
    if let body = body(item) { children.append(body) }
    if let categories = categories(item) { children.append(categories) }
    children.append(importance(item))
    children += reminder(item)
    children += EWSTaskElements.extendedValues(item).map { extendedProperty($0.0, $0.1) }
    // A task that says when it last changed (a converted one) keeps that time.
    if let stamp { children.append(lastModified(item.lastModified ?? stamp)) }
    if let complete = completeDate(item) { children.append(complete) }
    if let due = dueDate(item) { children.append(due) }
    if let percent = percentComplete(item) { children.append(percent) }
    if let start = startDate(item) { children.append(start) }
    children.append(status(item))
    return children
  }

  /// A whole `<t:Task>` element, indented: `indent` before the children, `closing` before the end tag.
  mutating func task(
    _ item: TaskItem, stamp: Timestamp?, declareNamespace: Bool, indent: String, closing: String,
    newline: [UInt8]
  ) -> [UInt8] {
    var out = XMLOutput()
    out.newline = newline
    out.append("<" + qualified("Task"))
    if declareNamespace {
      out.append(" xmlns" + (prefix.isEmpty ? "" : ":" + prefix) + "=\"" + EWSNames.typesNamespace + "\"")
    }
    out.append(">")
    for child in all(item, stamp: stamp) {
      out.newLine(indent: indent)
      out.append(bytes: child.bytes)
    }
    out.newLine(indent: closing)
    out.append("</" + qualified("Task") + ">")
    return out.bytes
  }
}
