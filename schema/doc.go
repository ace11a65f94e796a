// Package schema is for table definitions and the catalog that names them, including the
// built-in advanced-hunting tables. Not built yet.
package schema
