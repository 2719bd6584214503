# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of axaddrspace.ko and the project's gates and tests.
# The object lists are in Kbuild; everything built goes to build/.
#
#   make [modules]        axaddrspace.ko against $(KDIR)
#   make sample           that, then the sample client drivers/axas-sample
#   make headers-6.1      both against Debian's linux-headers-amd64 (6.1)
#   make kunit ARCH=A     KUnit suites in QEMU, A = x86_64 | arm64 | riscv
#   make kunit-all        the three of them
#   make e2e ARCH=A       the module, its sample client and the selftests
#                         on a 6.12 kernel in QEMU (scripts/e2e.sh)
#   make e2e-all          the three of them
#   make e2e-kasan-A      the same on the sanitizer kernel of A (KASAN, UBSAN,
#                         KFENCE, fault injection: scripts/e2e-config/kasan.config)
#   make e2e-kcsan-x86_64 the same on the KCSAN kernel (kcsan.config)
#   make kasan-plant-A    a planted use-after-free must fail the KASAN run
#   make fuzz ARCH=A      the fuzzer tools/testing/axas-fuzz alone on the e2e
#                         kernel, FUZZ_S seconds (default 300), FUZZ_SEED
#                         to repeat a run, FUZZ_FAIL=PERCENT fault injection,
#                         VARIANT=kasan|kcsan for a sanitizer kernel
#   make check-vmx        x86_64 guests on Intel VMX with EPT: the vCPU
#                         selftest in Bochs (E2E_EMU=bochs scripts/e2e.sh)
#   make check-deps       every program and file in scripts/deps.list is
#                         there, and the scripts call no program it lacks
#   make checkpatch       scripts/checkpatch.pl --strict on drivers/ include/ kunit/
#                         and the C of tools/ (not axas-user's kernel-header shims)
#   make kerneldoc        scripts/kernel-doc -none -Wall on include/ drivers/
#   make sparse           the module (with its tests) built with C=2 W=1
#   make uapi-check       include/uapi/linux/*.h as C90 and as C++
#   make check            all of the above and the userspace tests; ends
#                         with "N passed, N failed, N skipped"
#   make bench, make run  userspace benchmark, QEMU demo
#   make clean            module build products; distclean: all of build/
#
# KDIR defaults to build/kdir-x86_64, a tinyconfig-based x86_64 tree made
# by scripts/prepare-kdir.sh. Set KDIR to build against another configured
# kernel tree (then pass ARCH, CROSS_COMPILE and CC as that tree needs).

SHELL		:= /bin/bash
BUILD		:= $(CURDIR)/build
KDIR_DEFAULT	:= $(BUILD)/kdir-x86_64
KDIR		?= $(KDIR_DEFAULT)
ARCH		?= x86_64
AXAS_USER	:= tools/testing/axas-user

export CCACHE_DIR ?= $(BUILD)/ccache
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR := true
# ccache hashes the locale; fixing it lets shells and CI share entries.
export LANG := C
export LC_ALL := C
unexport LC_CTYPE LC_MESSAGES

# Kconfig does not run for an out-of-tree module, so the symbols that
# select its objects are set here: on the make command line for Kbuild,
# and as macros for IS_ENABLED() in C.
module_args	:= -C $(KDIR) M=$(CURDIR) CONFIG_AXADDRSPACE=m \
		   KCFLAGS="-DCONFIG_AXADDRSPACE_MODULE=1 $(KCFLAGS)"
test_args	:= CONFIG_AXADDRSPACE_KUNIT_TEST=y \
		   KCFLAGS="-DCONFIG_AXADDRSPACE_MODULE=1 -DCONFIG_AXADDRSPACE_KUNIT_TEST=1 $(KCFLAGS)"
ifeq ($(KDIR),$(KDIR_DEFAULT))
module_args	+= ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc"
endif
# Without a Module.symvers (a tree that only ran modules_prepare) modpost
# cannot check unresolved symbols; let it warn instead of failing.
modpost_warn	= $$(test -f $(KDIR)/Module.symvers || echo KBUILD_MODPOST_WARN=1)

# Not kbuild's "make M=... clean": it runs find over the whole project,
# build/ included, and deletes the objects of the test kernels there.
clean_module	= find drivers kunit \( -name '*.o' -o -name '.*.cmd' -o -name '.*.d' \
		  -o -name '*.mod' -o -name '*.mod.c' \) -type f -delete; \
		  rm -f axaddrspace.o axaddrspace.ko axaddrspace.mod axaddrspace.mod.c \
		  axaddrspace.mod.o .module-common.o Module.symvers modules.order \
		  .axaddrspace*.cmd ..module-common.o.cmd .Module.symvers.cmd \
		  .modules.order.cmd; \
		  rm -f drivers/axas-sample/{*.ko,Module.symvers,modules.order}

.PHONY: all modules sample headers-6.1 setup prepare kdir clean distclean help \
	check-deps checkpatch kerneldoc sparse uapi-check axas-user-check \
	kunit kunit-all kunit-x86_64 kunit-arm64 kunit-riscv check bench run \
	e2e e2e-all e2e-x86_64 e2e-arm64 e2e-riscv check-vmx fuzz \
	e2e-kasan-x86_64 e2e-kasan-arm64 e2e-kasan-riscv e2e-kcsan-x86_64 \
	kasan-plant-x86_64 kasan-plant-arm64 kasan-plant-riscv

all: modules

help:
	@sed -n '3,/^$$/s/^# \{0,1\}//p' $(firstword $(MAKEFILE_LIST))

setup:
	@scripts/setup.sh

prepare: setup
	@scripts/prepare-kernel.sh

# Only the default tree is made here; a KDIR given by the user is used as is.
kdir: prepare
ifeq ($(KDIR),$(KDIR_DEFAULT))
	@scripts/prepare-kdir.sh
endif

modules: kdir
	$(MAKE) $(module_args) $(modpost_warn) modules

# The sample client of the exported API, against the module just built:
# modpost resolves its imports, namespaces included, from our
# Module.symvers, and any unresolved or unimported symbol fails the build.
sample_args	:= -C $(KDIR) M=$(CURDIR)/drivers/axas-sample \
		   KBUILD_EXTRA_SYMBOLS=$(CURDIR)/Module.symvers
ifeq ($(KDIR),$(KDIR_DEFAULT))
sample_args	+= ARCH=x86_64 CC="ccache gcc" HOSTCC="ccache gcc"
endif

sample: modules
	@mkdir -p $(BUILD)
	@set -o pipefail; \
	$(MAKE) $(sample_args) $(modpost_warn) modules 2>&1 | \
		tee $(BUILD)/sample.log || exit 1; \
	if grep -E "does not import|undefined!" $(BUILD)/sample.log; then \
		echo "sample: unresolved or unimported symbols"; exit 1; \
	fi

headers-6.1: setup
	@scripts/build-headers-6.1.sh

# The module with the KUnit suites, checked by sparse (C=2) and built with
# W=1. Fails on any warning or error located in our files; warnings inside
# kernel headers are not ours. Removing our objects first makes gcc see
# every file again (ccache replays the warnings of a cached compile).
sparse: kdir
	@mkdir -p $(BUILD)
	@echo "sparse: C=2 W=1 build of axaddrspace.ko with its KUnit tests"
	@$(clean_module)
	@set -o pipefail; \
	$(MAKE) --no-print-directory $(module_args) $(test_args) $(modpost_warn) \
		C=2 W=1 modules 2>&1 | tee $(BUILD)/sparse.log || exit 1; \
	if ! AXAS_SRC=$(CURDIR) scripts/lint.sh ours $(BUILD)/sparse.log $(KDIR) \
		> $(BUILD)/sparse-ours.log; then \
		echo; echo "sparse: findings in our files:"; \
		cat $(BUILD)/sparse-ours.log; exit 1; \
	fi; \
	echo "sparse: clean"

check-deps: setup
	@scripts/check-deps.sh

checkpatch: prepare
	@scripts/lint.sh checkpatch

kerneldoc: prepare
	@scripts/lint.sh kerneldoc

uapi-check: prepare
	@scripts/lint.sh uapi

axas-user-check:
	@if [ -f $(AXAS_USER)/Makefile ]; then \
		$(MAKE) -C $(AXAS_USER) check; \
	else \
		echo "axas-user: no $(AXAS_USER)/Makefile yet, skipped"; \
		echo "0 passed, 0 failed, 1 skipped"; \
	fi

kunit: setup
	@scripts/kunit.sh $(ARCH)

kunit-x86_64 kunit-arm64 kunit-riscv: setup
	@scripts/kunit.sh $(patsubst kunit-%,%,$@)

kunit-all: setup
	+@MAKE="$(MAKE)" scripts/check.sh kunit-x86_64 kunit-arm64 kunit-riscv

e2e: setup
	@scripts/e2e.sh $(ARCH)

e2e-x86_64 e2e-arm64 e2e-riscv: setup
	@scripts/e2e.sh $(patsubst e2e-%,%,$@)

# The sanitizer kernels: e2e-VARIANT-ARCH.
e2e-kasan-x86_64 e2e-kasan-arm64 e2e-kasan-riscv e2e-kcsan-x86_64: setup
	@E2E_VARIANT=$(word 2,$(subst -, ,$@)) scripts/e2e.sh $(word 3,$(subst -, ,$@))

kasan-plant-x86_64 kasan-plant-arm64 kasan-plant-riscv: setup
	@scripts/check-kasan-plant.sh $(patsubst kasan-plant-%,%,$@)

# A long storm of the fuzzer alone; the e2e runs of make check end with a
# short one.
FUZZ_S		?= 300
VARIANT		?=
fuzz: setup
	@E2E_MODE=fuzz FUZZ_S=$(FUZZ_S) E2E_VARIANT=$(VARIANT) scripts/e2e.sh $(ARCH)

# QEMU's TCG has no VMX: Bochs runs the VMX backend, on the kernel and
# initramfs of e2e-x86_64, with axas_vcpu_test alone (the rest is the
# same code as under QEMU, and Bochs is slower).
check-vmx: setup
	@E2E_EMU=bochs E2E_MODE=vcpu scripts/e2e.sh x86_64

e2e-all: setup
	+@MAKE="$(MAKE)" scripts/check.sh e2e-x86_64 e2e-arm64 e2e-riscv

# Setup first and alone: without the tools nothing else means anything.
check:
	@scripts/setup.sh || { echo "check: setup failed (above)"; \
		echo "0 passed, 1 failed, 0 skipped"; exit 1; }
	+@MAKE="$(MAKE)" scripts/check.sh check-deps checkpatch kerneldoc sparse uapi-check \
		sample headers-6.1 axas-user-check \
		kunit-x86_64 kunit-arm64 kunit-riscv \
		e2e-x86_64 check-vmx e2e-arm64 e2e-riscv \
		e2e-kasan-x86_64 e2e-kasan-arm64 e2e-kasan-riscv e2e-kcsan-x86_64 \
		kasan-plant-x86_64 kasan-plant-riscv

# The core natively, then a guest's faults in the emulated riscv64 and
# arm64 hosts.
bench: setup
	@if [ -f $(AXAS_USER)/Makefile ]; then \
		$(MAKE) -C $(AXAS_USER) bench; \
	else \
		echo "bench: no $(AXAS_USER)/Makefile yet"; \
	fi
	@ARCH=riscv scripts/bench-guest.sh
	@ARCH=arm64 scripts/bench-guest.sh
	@ARCH=x86_64 scripts/bench-guest.sh

run: setup
	@if [ -x scripts/run-demo.sh ]; then \
		scripts/run-demo.sh; \
	else \
		echo "run: scripts/run-demo.sh does not exist yet"; \
	fi

clean:
	$(clean_module)
	@if [ -f $(AXAS_USER)/Makefile ]; then \
		$(MAKE) -C $(AXAS_USER) clean; \
	fi

# Also drops the extracted kernel, the test kernels and the ccache.
distclean: clean
	rm -rf $(BUILD)
