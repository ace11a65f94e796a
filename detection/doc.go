// Package detection keeps what analysts build around advanced hunting, in the data
// directory beside the store: saved queries (mine or shared), tracked queries whose
// daily row counts are kept, and custom detection rules that run on a schedule and
// raise alerts. Alerts are de-duplicated on the rule and the event's key, grouped into
// incidents by the entities they share, and a rule's response actions wait in the
// action centre for approval before they are delivered to an integration.
//
// State lives in DIR/detection/, one JSON file per kind, each written atomically (a
// temporary file, then a rename) under a lock file, so the scheduler and the spoor
// commands can change it at the same time. Nothing here touches the store's own
// files: rules read the store through the engine.
//
// The Scheduler takes its clock from outside, so that tests can run a month of
// schedules, with restarts, in a moment.
package detection
