package loadgen

import (
	"math"
	"math/bits"
)

// rng is wyrand: a tiny, fast generator whose sequence is fixed by this
// file alone, so a seed yields the same events on every Go release.
type rng struct {
	state uint64
	// spare holds the second normal deviate of the last Box-Muller pair.
	spare    float64
	hasSpare bool
}

func newRNG(seed uint64) rng {
	return rng{state: mix64(seed ^ 0x9e3779b97f4a7c15)}
}

func (r *rng) uint64() uint64 {
	r.state += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(r.state, r.state^0xe7037ed1a0b428db)
	return hi ^ lo
}

// intn returns a value in [0, n) for n > 0 (Lemire's multiply-shift; the
// tiny bias is irrelevant for synthetic logs).
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.uint64(), uint64(n))
	return int(hi)
}

// float64 returns a value in [0, 1).
func (r *rng) float64() float64 {
	return float64(r.uint64()>>11) / (1 << 53)
}

// normal returns a standard normal deviate (Box-Muller, pairs cached).
func (r *rng) normal() float64 {
	if r.hasSpare {
		r.hasSpare = false
		return r.spare
	}
	u1 := r.float64()
	for u1 == 0 {
		u1 = r.float64()
	}
	u2 := r.float64()
	mag := math.Sqrt(-2 * math.Log(u1))
	s, c := math.Sincos(2 * math.Pi * u2)
	r.spare = mag * s
	r.hasSpare = true
	return mag * c
}

// mix64 is the splitmix64 finalizer: a bijection on uint64, so distinct
// inputs give distinct outputs (trace ids rely on it for uniqueness).
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
