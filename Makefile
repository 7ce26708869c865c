# qta: the two commands of the README.
#   make demo   installs what is missing, builds, and runs the main job on the default configuration
#   make test   installs what is missing, builds, and runs every test (CTest summary at the end)
BUILD ?= build
JOBS  ?= 2
CMAKE_FLAGS ?= -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo

.PHONY: all bootstrap configure build demo test bench-dataflow bench-sim clean

all: build

bootstrap:
	@bash scripts/bootstrap.sh

$(BUILD)/build.ninja: CMakeLists.txt | bootstrap
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

configure: bootstrap $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) -LE nightly

# Benchmark (not a test): one SD v1.5 projection per UNet level on the 64x64 RTL, ranks 4 and 64,
# every GEMM's RTL cycles beside the model's, then the whole-step table (docs/runtime.md).
bench-dataflow: build
	python3 scripts/bench_dataflow.py --qta $(BUILD)/qta --config paper_64x64 --rank 4 --exact --out out/bench_dataflow_rank4
	python3 scripts/bench_dataflow.py --qta $(BUILD)/qta --config paper_64x64 --rank 64 --exact --out out/bench_dataflow_rank64
	python3 scripts/bench_dataflow.py --qta $(BUILD)/qta --config lora_64x64 --rank 4 --exact --out out/bench_dataflow_lora_rank4
	python3 scripts/bench_dataflow.py --qta $(BUILD)/qta --config lora_64x64 --rank 64 --exact --out out/bench_dataflow_lora_rank64

# Benchmark (not a test): the paper_64x64 model built in a new work directory (wall, CPU, peak
# memory), then the whole suite three times: median cycles per second per test (docs/measurements.md).
bench-sim: build
	python3 scripts/bench_sim.py --qta $(BUILD)/qta --config paper_64x64 --runs 3 --out out/bench_sim

clean:
	rm -rf $(BUILD)
