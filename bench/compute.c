// The C compute kernel of bench/run: integer, memory and floating-point work in one static
// binary that runs the same way natively, under Vireo and under QEMU. The checksum it prints
// makes every run do (and prove) the same work.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { kSieveLimit = 10000000, kMatrix = 160, kMatrixRounds = 8, kHashBytes = 32 << 20 };

/// Primes below kSieveLimit (sieve of Eratosthenes): byte stores and strided loops.
static uint32_t Sieve(void) {
  uint8_t* composite = calloc(kSieveLimit, 1);
  uint32_t count = 0;
  for (uint32_t i = 2; i < kSieveLimit; ++i) {
    if (composite[i]) continue;
    ++count;
    for (uint64_t j = (uint64_t)i * i; j < kSieveLimit; j += i) composite[j] = 1;
  }
  free(composite);
  return count;
}

/// Double-precision matrix products (SSE2 arithmetic, loads and stores).
static uint32_t Matrix(void) {
  static double a[kMatrix][kMatrix], b[kMatrix][kMatrix], c[kMatrix][kMatrix];
  for (int i = 0; i < kMatrix; ++i)
    for (int j = 0; j < kMatrix; ++j) {
      a[i][j] = (double)((i * 7 + j * 3) % 17) / 16.0;
      b[i][j] = (double)((i * 5 + j * 11) % 13) / 12.0;
    }
  for (int round = 0; round < kMatrixRounds; ++round) {
    for (int i = 0; i < kMatrix; ++i)
      for (int j = 0; j < kMatrix; ++j) {
        double sum = 0;
        for (int k = 0; k < kMatrix; ++k) sum += a[i][k] * b[k][j];
        c[i][j] = sum;
      }
    memcpy(a, c, sizeof a);
    for (int i = 0; i < kMatrix; ++i)
      for (int j = 0; j < kMatrix; ++j) a[i][j] /= 8.0;
  }
  double trace = 0;
  for (int i = 0; i < kMatrix; ++i) trace += c[i][i];
  return (uint32_t)(uint64_t)(trace * 1000.0);  // the low 32 bits of the scaled trace
}

/// FNV-1a over an xorshift-generated buffer: shifts, multiplies and a dependent chain.
static uint32_t Hash(void) {
  uint8_t* buf = malloc(kHashBytes);
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < kHashBytes; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    buf[i] = (uint8_t)x;
  }
  uint32_t h = 2166136261u;
  for (int i = 0; i < kHashBytes; ++i) h = (h ^ buf[i]) * 16777619u;
  free(buf);
  return h;
}

int main(void) {
  uint32_t primes = Sieve(), matrix = Matrix(), hash = Hash();
  printf("compute: %u primes, matrix %u, hash %08x\n", primes, matrix, hash);
  return 0;
}
