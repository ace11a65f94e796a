// Package spoor is the root of the Spoor module, a self-hosted KQL threat-hunting engine.
// It holds no code; its tests check that the packages below it import only the layers
// beneath them.
package spoor
