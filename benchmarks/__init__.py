"""Speed and memory benchmarks. Run them all with `make bench` (`python -m benchmarks`); figures are printed."""
