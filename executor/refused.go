package executor

import "github.com/spoorhq/spoor/planner"

func init() { register(&planner.Refused{}, buildRefused) }

// buildRefused fails the query with the refusal the binder recorded (an
// externaldata source outside the allow-list): nothing is read.
func buildRefused(_ *run, n planner.Node, _ operator) (func() error, error) {
	return nil, n.(*planner.Refused).Error()
}
