// Package planner is for binding a parsed query against the catalog (every semantic error
// with its position), lowering KQL operators to a small plan algebra and rewriting that plan
// with named rules. Not built yet.
package planner
