/* Floating-point workload: an n-body style double loop and a long double series. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 3000000;
    double x = 0.5, v = 0.0, sum = 0.0;
    for (int i = 0; i < n; i++) {
        double a = -x / (1.0 + x * x);
        v += a * 0.001;
        x += v * 0.001;
        sum += x * x;
    }
    long double s = 0.0L;
    for (int i = 1; i < n / 10; i++)
        s += 1.0L / ((long double)i * i);
    printf("%.9f %.12Lf\n", sum, s);
    return 0;
}
