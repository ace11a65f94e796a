// Package detection is for saved and tracked queries and scheduled detection rules, and for
// raising, de-duplicating and grouping the alerts they produce. Not built yet.
package detection
