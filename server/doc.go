// Package server is for answering queries over HTTP through the Kusto REST API, a JSON API
// and a web page. Not built yet.
package server
