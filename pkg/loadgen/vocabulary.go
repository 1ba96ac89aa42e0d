package loadgen

import "strconv"

// services are the generated service names; index order is part of the
// deterministic output, so append only.
var services = []string{
	"payment-service", "auth-service", "checkout-service", "cart-service",
	"inventory-service", "shipping-service", "order-service", "user-service",
	"notification-service", "search-service", "recommendation-service", "pricing-service",
	"catalog-service", "api-gateway", "fraud-service", "email-service",
	"session-service", "billing-service", "review-service", "media-service",
}

// Services returns the names the generator draws from, so tests and
// benchmarks can query for values that really occur.
func Services() []string { return append([]string(nil), services...) }

func serviceIndex(name string) int {
	for i, s := range services {
		if s == name {
			return i
		}
	}
	return -1
}

// hostsPerService is how many hosts run each service; hosts are shared by
// two services (20 services × 5 slots over 50 hosts).
const (
	hostCount       = 50
	hostsPerService = 5
)

var hosts = func() []string {
	out := make([]string, hostCount)
	for i := range out {
		out[i] = "ip-10-0-" + strconv.Itoa(i/10+1) + "-" + strconv.Itoa(10+i*7%240)
	}
	return out
}()

// endpoint is a concrete request path and the service that serves it.
type endpoint struct {
	path    string
	service int
}

// endpoints: 50 concrete paths, several per service, some with ids in
// them the way real access logs look.
var endpoints = []endpoint{
	{"/api/v1/payments/charge", 0}, {"/api/v1/payments/refund", 0}, {"/api/v1/payments/84213/capture", 0},
	{"/api/v1/auth/login", 1}, {"/api/v1/auth/token/refresh", 1}, {"/api/v1/auth/logout", 1},
	{"/api/v1/checkout", 2}, {"/api/v1/checkout/confirm", 2}, {"/api/v1/checkout/quote", 2},
	{"/api/v1/cart/items", 3}, {"/api/v1/cart/5531/items/17", 3},
	{"/api/v1/inventory/sku-20931", 4}, {"/api/v1/inventory/reserve", 4}, {"/api/v1/inventory/release", 4},
	{"/api/v1/shipping/rates", 5}, {"/api/v1/shipping/labels", 5},
	{"/api/v1/orders", 6}, {"/api/v1/orders/771204", 6}, {"/api/v1/orders/771204/status", 6},
	{"/api/v1/users/me", 7}, {"/api/v1/users/40119/profile", 7}, {"/api/v1/users/40119/addresses", 7},
	{"/api/v1/notifications/push", 8}, {"/api/v1/notifications/preferences", 8},
	{"/api/v1/search", 9}, {"/api/v1/search/suggest", 9}, {"/api/v1/search/facets", 9},
	{"/api/v1/recommendations/home", 10}, {"/api/v1/recommendations/similar/sku-20931", 10},
	{"/api/v1/prices/quote", 11}, {"/api/v1/prices/promotions", 11},
	{"/api/v1/catalog/products", 12}, {"/api/v1/catalog/products/sku-88310", 12}, {"/api/v1/catalog/categories", 12},
	{"/healthz", 13}, {"/api/v1/status", 13}, {"/metrics", 13},
	{"/api/v1/fraud/score", 14}, {"/api/v1/fraud/review", 14},
	{"/api/v1/email/send", 15}, {"/api/v1/email/templates", 15},
	{"/api/v1/sessions", 16}, {"/api/v1/sessions/validate", 16},
	{"/api/v1/billing/invoices", 17}, {"/api/v1/billing/invoices/inv-2026-0042", 17}, {"/api/v1/billing/subscriptions", 17},
	{"/api/v1/reviews", 18}, {"/api/v1/reviews/sku-88310", 18},
	{"/api/v1/media/upload", 19}, {"/api/v1/media/img-4410/thumbnail", 19},
}

// endpointsByService indexes endpoints by owning service.
var endpointsByService = func() [][]int {
	out := make([][]int, len(services))
	for i, e := range endpoints {
		out[e.service] = append(out[e.service], i)
	}
	return out
}()

// Severity values, most to least frequent in normal operation.
const (
	sevInfo = iota
	sevDebug
	sevWarn
	sevError
)

var severities = [...]string{"info", "debug", "warn", "error"}

// Exception names appear in few events so searches for them are needles.
var exceptions = []string{
	"NullPointerException", "ConnectionPoolExhaustedException", "CircuitBreakerOpenException",
	"TokenExpiredException", "InventoryMismatchException", "DeadlineExceededException",
}

// IncidentException is the rare exception name the incident service logs
// during the incident window only.
const IncidentException = "PaymentGatewayTimeoutException"

// upstreams are peers named in messages about failing calls.
var upstreams = []string{"stripe-gateway", "postgres-primary", "redis-cache", "kafka-broker", "adyen-gateway", "vault"}

var tables = []string{"orders", "payments", "users", "sessions", "inventory", "invoices"}
