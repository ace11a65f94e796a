package codec

import "unsafe"

// MinTermLen is the shortest term that is indexed. Shorter runs of letters and
// digits are too common to narrow a search, so has and has_prefix on them
// scan instead.
const MinTermLen = 3

// termByte classifies bytes: 0 separates terms, 1 is a lower-case ASCII letter
// or digit, 2 is an upper-case ASCII letter. Every byte of a multi-byte UTF-8
// sequence is a separator, so non-ASCII letters split terms.
var termByte = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = 1
		t[c-'a'+'A'] = 2
	}
	return t
}()

// Terms calls fn for each indexed term of s, in order and with repeats: every
// maximal run of ASCII letters and digits at least MinTermLen long, lower-cased.
// This is how Kusto splits text for has and the term index. The terms are
// substrings of s, or of one lower-cased copy of s when s has upper-case
// letters, so fn may keep them; no other allocation is made.
func Terms(s string, fn func(term string)) {
	eachTerm(s, nil, fn)
}

// eachTerm is Terms with a scratch buffer for lower-casing, returned for
// reuse. With a nil buffer the lower-cased copy is a fresh allocation that fn
// may keep; with a buffer the terms are only valid during fn.
func eachTerm(s string, buf []byte, fn func(term string)) []byte {
	lowered := false
	i := 0
	for i < len(s) {
		for i < len(s) && termByte[s[i]] == 0 {
			i++
		}
		start := i
		var class uint8
		for i < len(s) {
			c := termByte[s[i]]
			if c == 0 {
				break
			}
			class |= c
			i++
		}
		if i-start < MinTermLen {
			continue
		}
		if class&2 != 0 && !lowered {
			// Slow path, once per call: lower-case the rest of s. Offsets
			// stay the same, and buf is not written again until the next
			// call.
			buf = lowerFrom(buf, s, start)
			s = unsafe.String(unsafe.SliceData(buf), len(buf))
			lowered = true
		}
		fn(s[start:i])
	}
	return buf
}

// lowerFrom copies s into buf with the ASCII upper-case letters from index i on
// turned to lower case.
func lowerFrom(buf []byte, s string, i int) []byte {
	if cap(buf) < len(s) {
		buf = make([]byte, len(s))
	}
	buf = buf[:len(s)]
	copy(buf, s)
	for j, c := range buf[i:] {
		// Branch-free: class 2 (upper case) adds 'a'-'A' = 32.
		buf[i+j] = c + (termByte[c]&2)<<4
	}
	return buf
}
