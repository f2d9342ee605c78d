import SalesforceCSV

/// The Salesforce mapping the configuration describes.
package typealias SalesforceColumns = SalesforceTaskMapping
