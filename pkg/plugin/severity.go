package plugin

import (
	"strconv"
	"strings"
)

// Grafana's canonical log levels, which colour log lines and logs volume.
const (
	levelCritical = "critical"
	levelError    = "error"
	levelWarning  = "warning"
	levelInfo     = "info"
	levelDebug    = "debug"
	levelTrace    = "trace"
	levelUnknown  = "unknown"
)

var levelAliases = map[string]string{
	"emerg": levelCritical, "emergency": levelCritical, "alert": levelCritical, "crit": levelCritical,
	"critical": levelCritical, "fatal": levelCritical, "panic": levelCritical,
	"err": levelError, "eror": levelError, "error": levelError,
	"warn": levelWarning, "warning": levelWarning,
	"info": levelInfo, "information": levelInfo, "informational": levelInfo, "notice": levelInfo,
	"debug": levelDebug, "dbug": levelDebug,
	"trace": levelTrace,
}

// normalizeLevel maps a level as logged (ERROR, warn, 3, Fatal, …) to one of
// Grafana's level names; numbers are syslog severities 0–7.
func normalizeLevel(raw string) string {
	s := strings.ToLower(strings.TrimSpace(raw))
	if l, ok := levelAliases[s]; ok {
		return l
	}
	if n, err := strconv.Atoi(s); err == nil {
		switch {
		case n >= 0 && n <= 2:
			return levelCritical
		case n == 3:
			return levelError
		case n == 4:
			return levelWarning
		case n == 5 || n == 6:
			return levelInfo
		case n == 7:
			return levelDebug
		}
	}
	return levelUnknown
}
