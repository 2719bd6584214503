// SPDX-License-Identifier: GPL-2.0
/*
 * axas-vmm: a small VMM that boots a RISC-V Linux kernel on G-stage tables
 * of /dev/axaddrspace, in the spirit of kvmtool but far smaller.
 *
 * The machine it builds, for one hart:
 *   0x10000000  an ns16550a UART (MMIO exits; output to stdout, input
 *               from stdin), polled: no interrupt controller beyond the
 *               hart's own;
 *   0x80000000  RAM: the first LOAD_MB as a user region of this process
 *               (the kernel Image at +2 MiB, the initramfs and the device
 *               tree after it), the rest allocated by the module on first
 *               touch (AXAS_MAP_ALLOC without POPULATE: lazy faults).
 * It writes a flattened device tree for that, starts the hart at the
 * Image with a0 = 0 (hart id) and a1 = the tree, and serves SBI calls
 * (the hypercall exits): base, TIME (AXAS_SET_TIMER), HSM for its one
 * hart, SRST (shutdown and reboot end the run), and the legacy console
 * and timer calls. The guest's console lines are printed with a prefix.
 *
 * With -T it is also a test: it prints TAP lines on what the boot
 * showed (the kernel's banner, the guest /init's lines and their
 * checksum, the SRST shutdown, the lazy faults), and with -W it boots on
 * leaves that are wrong on purpose (AXAS_SPACE_TEST_WRONG_LEAF, a module
 * loaded with test_hooks=1) and passes only if the boot fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/axaddrspace.h>

#include "axas-tools.h"
#include "guest-workload.h"

#define RAM_BASE	0x80000000ULL
#define IMAGE_OFFSET	0x200000ULL		/* RV64 Image: 2 MiB in */
#define UART_BASE	0x10000000ULL
#define UART_SIZE	0x100ULL
#define UART_CLOCK	3686400
#define FDT_MAX		0x10000
#define SPACE_IA_BITS	41			/* Sv39x4 */

/* SBI, after the RISC-V SBI specification. */
#define SBI_LEGACY_SET_TIMER	0x00
#define SBI_LEGACY_PUTCHAR	0x01
#define SBI_LEGACY_GETCHAR	0x02
#define SBI_LEGACY_SHUTDOWN	0x08
#define SBI_EXT_BASE		0x10
#define SBI_EXT_TIME		0x54494d45
#define SBI_EXT_HSM		0x48534d
#define SBI_EXT_SRST		0x53525354
#define SBI_SUCCESS		0
#define SBI_ERR_NOT_SUPPORTED	(-2)
#define SBI_ERR_INVALID_PARAM	(-3)
#define SBI_ERR_ALREADY_AVAILABLE (-6)
#define SBI_IMPL_ID		0xa7a5		/* ours: any unused number */

/* ns16550 registers (reg-shift 0) and bits. */
#define UART_RBR_THR	0
#define UART_IER	1
#define UART_IIR_FCR	2
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7
#define UART_LCR_DLAB	0x80
#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_IIR_NO_INT	0x01
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_FIFO	0xc0
#define UART_LSR_DR	0x01
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40

#define REG_RA	1
#define REG_A0	10
#define REG_A1	11
#define REG_A6	16
#define REG_A7	17

static const char *prefix = "guest| ";
static bool test_mode, wrong_leaf, quiet;
static atomic_int timed_out;

/* What the run showed, for the summary and the TAP lines. */
static struct {
	uint64_t mmio, mmio_uart, mmio_other, sbi, sbi_timer, sbi_console;
	uint64_t intr, other;
	int srst_type, srst_reason;	/* -1: no SRST */
	bool banner, init_line, workload, workload_ok, fork_ok, exec_ok;
	unsigned long long pages, checksum, expect;
	double t_start, t_banner, t_init, t_end;
	/* faults and time at the workload's start and end lines */
	unsigned long long w_faults0, w_faults1;
	double t_w0, t_w1;
	char fail[256];
} st = { .srst_type = -1 };

static void __printf(1, 2) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "axas-vmm: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(2);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the flattened device tree (Devicetree Specification, chapter 5) --- */

struct fdt {
	uint8_t st[FDT_MAX / 2];
	uint8_t str[FDT_MAX / 4];
	size_t st_len, str_len;
};

static void fdt_be32(struct fdt *f, uint32_t v)
{
	if (f->st_len + 4 > sizeof(f->st))
		die("device tree too large");
	f->st[f->st_len++] = v >> 24;
	f->st[f->st_len++] = v >> 16;
	f->st[f->st_len++] = v >> 8;
	f->st[f->st_len++] = v;
}

static void fdt_bytes(struct fdt *f, const void *p, size_t n)
{
	if (f->st_len + n + 4 > sizeof(f->st))
		die("device tree too large");
	memcpy(f->st + f->st_len, p, n);
	f->st_len += n;
	while (f->st_len % 4)
		f->st[f->st_len++] = 0;
}

static uint32_t fdt_string(struct fdt *f, const char *s)
{
	size_t n = strlen(s) + 1, off;

	for (off = 0; off < f->str_len; off += strlen((char *)f->str + off) + 1)
		if (!strcmp((char *)f->str + off, s))
			return off;
	if (f->str_len + n > sizeof(f->str))
		die("device tree strings too large");
	memcpy(f->str + f->str_len, s, n);
	off = f->str_len;
	f->str_len += n;
	return off;
}

static void fdt_begin(struct fdt *f, const char *name)
{
	fdt_be32(f, 1);			/* FDT_BEGIN_NODE */
	fdt_bytes(f, name, strlen(name) + 1);
}

static void fdt_end(struct fdt *f)
{
	fdt_be32(f, 2);			/* FDT_END_NODE */
}

static void fdt_prop(struct fdt *f, const char *name, const void *val, size_t n)
{
	fdt_be32(f, 3);			/* FDT_PROP */
	fdt_be32(f, n);
	fdt_be32(f, fdt_string(f, name));
	fdt_bytes(f, val, n);
}

static void fdt_prop_str(struct fdt *f, const char *name, const char *s)
{
	fdt_prop(f, name, s, strlen(s) + 1);
}

static void fdt_prop_cells(struct fdt *f, const char *name, int n, ...)
{
	uint8_t buf[64];
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		uint32_t v = va_arg(ap, uint32_t);

		buf[4 * i] = v >> 24;
		buf[4 * i + 1] = v >> 16;
		buf[4 * i + 2] = v >> 8;
		buf[4 * i + 3] = v;
	}
	va_end(ap);
	fdt_prop(f, name, buf, 4 * n);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* The whole tree into @out; returns its size. */
static size_t fdt_build(uint8_t *out, size_t room, uint64_t ram_size,
			uint32_t timebase, const char *bootargs,
			uint64_t initrd_start, uint64_t initrd_end)
{
	static struct fdt f;
	uint32_t hdr = 40, rsv = 16, off_st, off_str, total;
	char node[64];

	memset(&f, 0, sizeof(f));
	fdt_begin(&f, "");
	fdt_prop_cells(&f, "#address-cells", 1, 2);
	fdt_prop_cells(&f, "#size-cells", 1, 2);
	fdt_prop_str(&f, "compatible", "axaddrspace,axas-vmm");
	fdt_prop_str(&f, "model", "axas-vmm riscv64");

	fdt_begin(&f, "chosen");
	fdt_prop_str(&f, "bootargs", bootargs);
	snprintf(node, sizeof(node), "/soc/serial@%llx", UART_BASE);
	fdt_prop_str(&f, "stdout-path", node);
	if (initrd_end > initrd_start) {
		fdt_prop_cells(&f, "linux,initrd-start", 2,
			       (uint32_t)(initrd_start >> 32), (uint32_t)initrd_start);
		fdt_prop_cells(&f, "linux,initrd-end", 2,
			       (uint32_t)(initrd_end >> 32), (uint32_t)initrd_end);
	}
	fdt_end(&f);

	snprintf(node, sizeof(node), "memory@%llx", RAM_BASE);
	fdt_begin(&f, node);
	fdt_prop_str(&f, "device_type", "memory");
	fdt_prop_cells(&f, "reg", 4, (uint32_t)(RAM_BASE >> 32), (uint32_t)RAM_BASE,
		       (uint32_t)(ram_size >> 32), (uint32_t)ram_size);
	fdt_end(&f);

	fdt_begin(&f, "cpus");
	fdt_prop_cells(&f, "#address-cells", 1, 1);
	fdt_prop_cells(&f, "#size-cells", 1, 0);
	fdt_prop_cells(&f, "timebase-frequency", 1, timebase);
	fdt_begin(&f, "cpu@0");
	fdt_prop_str(&f, "device_type", "cpu");
	fdt_prop_cells(&f, "reg", 1, 0);
	fdt_prop_str(&f, "status", "okay");
	fdt_prop_str(&f, "compatible", "riscv");
	fdt_prop_str(&f, "riscv,isa", "rv64imafdc");
	fdt_prop_str(&f, "mmu-type", "riscv,sv39");
	fdt_begin(&f, "interrupt-controller");
	fdt_prop_cells(&f, "#interrupt-cells", 1, 1);
	fdt_prop(&f, "interrupt-controller", NULL, 0);
	fdt_prop_str(&f, "compatible", "riscv,cpu-intc");
	fdt_prop_cells(&f, "phandle", 1, 1);
	fdt_end(&f);
	fdt_end(&f);
	fdt_end(&f);

	fdt_begin(&f, "soc");
	fdt_prop_cells(&f, "#address-cells", 1, 2);
	fdt_prop_cells(&f, "#size-cells", 1, 2);
	fdt_prop_str(&f, "compatible", "simple-bus");
	fdt_prop(&f, "ranges", NULL, 0);
	snprintf(node, sizeof(node), "serial@%llx", UART_BASE);
	fdt_begin(&f, node);
	fdt_prop_str(&f, "compatible", "ns16550a");
	fdt_prop_cells(&f, "reg", 4, 0, (uint32_t)UART_BASE, 0, (uint32_t)UART_SIZE);
	fdt_prop_cells(&f, "clock-frequency", 1, UART_CLOCK);
	fdt_end(&f);
	fdt_end(&f);

	fdt_end(&f);
	fdt_be32(&f, 9);		/* FDT_END */

	off_st = hdr + rsv;
	off_str = off_st + f.st_len;
	total = off_str + f.str_len;
	if (total > room)
		die("device tree of %u bytes does not fit", total);
	memset(out, 0, total);
	put_be32(out + 0, 0xd00dfeed);
	put_be32(out + 4, total);
	put_be32(out + 8, off_st);
	put_be32(out + 12, off_str);
	put_be32(out + 16, hdr);	/* memory reservation map: empty */
	put_be32(out + 20, 17);		/* version */
	put_be32(out + 24, 16);		/* last compatible version */
	put_be32(out + 28, 0);		/* boot cpu */
	put_be32(out + 32, f.str_len);
	put_be32(out + 36, f.st_len);
	memcpy(out + off_st, f.st, f.st_len);
	memcpy(out + off_str, f.str, f.str_len);
	return total;
}

/* The host's timebase: the guest reads the same time CSR. */
static uint32_t host_timebase(void)
{
	uint8_t b[4];
	int fd = open("/proc/device-tree/cpus/timebase-frequency", O_RDONLY);

	if (fd < 0 || read(fd, b, 4) != 4)
		die("cannot read the host's timebase-frequency: %s", strerror(errno));
	close(fd);
	return (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

/* ---- the guest's console: the UART's output, line by line ------------- */

static char line[1024];
static size_t line_len;
static int space_fd = -1;

/* The space's fault count now (0 if the call fails). */
static unsigned long long space_faults(void)
{
	struct axas_space_stats s;

	memset(&s, 0, sizeof(s));
	if (space_fd < 0 || ioctl(space_fd, AXAS_GET_STATS, &s))
		return 0;
	return s.faults;
}

/* What the lines of the guest say (tools/guests/linux/init.c). */
static void console_line(const char *s)
{
	unsigned long long pages, seed, sum;
	const char *w = strstr(s, "axas-guest: memory:");
	double t = now() - st.t_start;

	if (!st.banner && strstr(s, "Linux version ")) {
		st.banner = true;
		st.t_banner = t;
	}
	if (!st.init_line && strstr(s, GUEST_INIT_HELLO)) {
		st.init_line = true;
		st.t_init = t;
	}
	if (strstr(s, GUEST_WORKLOAD_START)) {
		st.w_faults0 = space_faults();
		st.t_w0 = t;
	}
	if (w && sscanf(w, GUEST_WORKLOAD_FMT, &pages, &seed, &sum) == 3) {
		st.w_faults1 = space_faults();
		st.t_w1 = t;
		st.workload = true;
		st.pages = pages;
		st.checksum = sum;
		st.expect = guest_workload_sum(pages, seed);
		st.workload_ok = sum == st.expect;
	}
	if (strstr(s, GUEST_FORK_OK))
		st.fork_ok = true;
	if (strstr(s, GUEST_EXEC_OK))
		st.exec_ok = true;
}

static void console_putc(int c)
{
	if (c == '\r')
		return;
	if (c != '\n' && line_len < sizeof(line) - 1) {
		line[line_len++] = c;
		return;
	}
	line[line_len] = '\0';
	if (!quiet)
		printf("%s%s\n", prefix, line);
	console_line(line);
	line_len = 0;
	if (c != '\n')
		line[line_len++] = c;
}

static int console_getc(void)
{
	struct pollfd p = { .fd = STDIN_FILENO, .events = POLLIN };
	static bool eof;
	unsigned char c;

	if (eof || poll(&p, 1, 0) != 1 || !(p.revents & POLLIN))
		return -1;
	if (read(STDIN_FILENO, &c, 1) != 1) {
		eof = true;
		return -1;
	}
	return c;
}

/* ---- the ns16550a ------------------------------------------------------- */

static struct {
	uint8_t ier, lcr, mcr, scr, dll, dlm, fcr;
	bool thri;	/* the "transmitter empty" interrupt is pending */
	int rx;		/* a received byte, or -1 */
} uart = { .rx = -1 };

static void uart_poll_rx(void)
{
	if (uart.rx < 0)
		uart.rx = console_getc();
}

static uint8_t uart_iir(void)
{
	uint8_t fifo = uart.fcr & 1 ? UART_IIR_FIFO : 0;

	uart_poll_rx();
	if ((uart.ier & UART_IER_RDI) && uart.rx >= 0)
		return fifo | UART_IIR_RDI;
	if ((uart.ier & UART_IER_THRI) && uart.thri) {
		uart.thri = false;	/* reading IIR clears it */
		return fifo | UART_IIR_THRI;
	}
	return fifo | UART_IIR_NO_INT;
}

static uint64_t uart_read(unsigned int reg)
{
	int c;

	switch (reg) {
	case UART_RBR_THR:
		if (uart.lcr & UART_LCR_DLAB)
			return uart.dll;
		uart_poll_rx();
		c = uart.rx;
		uart.rx = -1;
		return c < 0 ? 0 : c;
	case UART_IER:
		return uart.lcr & UART_LCR_DLAB ? uart.dlm : uart.ier;
	case UART_IIR_FCR:
		return uart_iir();
	case UART_LCR:
		return uart.lcr;
	case UART_MCR:
		return uart.mcr;
	case UART_LSR:
		uart_poll_rx();
		return UART_LSR_THRE | UART_LSR_TEMT |
		       (uart.rx >= 0 ? UART_LSR_DR : 0);
	case UART_MSR:
		return 0xb0;	/* DCD, DSR, CTS */
	case UART_SCR:
		return uart.scr;
	}
	return 0;
}

static void uart_write(unsigned int reg, uint8_t v)
{
	switch (reg) {
	case UART_RBR_THR:
		if (uart.lcr & UART_LCR_DLAB) {
			uart.dll = v;
			break;
		}
		console_putc(v);
		uart.thri = true;	/* sent at once: empty again */
		break;
	case UART_IER:
		if (uart.lcr & UART_LCR_DLAB) {
			uart.dlm = v;
			break;
		}
		if ((v & UART_IER_THRI) && !(uart.ier & UART_IER_THRI))
			uart.thri = true;
		uart.ier = v & 0x0f;
		break;
	case UART_IIR_FCR:
		uart.fcr = v;
		break;
	case UART_LCR:
		uart.lcr = v;
		break;
	case UART_MCR:
		uart.mcr = v;
		break;
	case UART_SCR:
		uart.scr = v;
		break;
	}
}

/* ---- the VMM ------------------------------------------------------------ */

struct vm {
	int dev, space, vcpu;
	uint64_t ram_size, load_size;
	uint8_t *load;		/* the user region: Image, initramfs, tree */
};

static void xioctl(int fd, unsigned long cmd, void *arg, const char *what)
{
	if (ioctl(fd, cmd, arg))
		die("%s: %s", what, strerror(errno));
}

static size_t load_file(const char *path, uint8_t *dst, size_t room, const char *what)
{
	struct stat sb;
	size_t done = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0 || fstat(fd, &sb))
		die("%s %s: %s", what, path, strerror(errno));
	if ((size_t)sb.st_size > room)
		die("%s %s: %lld bytes do not fit in %zu", what, path,
		    (long long)sb.st_size, room);
	while (done < (size_t)sb.st_size) {
		ssize_t n = read(fd, dst + done, sb.st_size - done);

		if (n <= 0)
			die("%s %s: read: %s", what, path, n ? strerror(errno) : "short");
		done += n;
	}
	close(fd);
	return done;
}

static void vm_create(struct vm *vm, uint64_t ram_mb, uint64_t load_mb)
{
	struct axas_create_space cs = {
		.format = AXAS_FORMAT_RISCV_GSTAGE,
		.ia_bits = SPACE_IA_BITS,
		.base = 0,
	};
	struct axas_user_region ur = { 0 };
	struct axas_range lazy = { 0 };
	long fmt;

	vm->ram_size = ram_mb << 20;
	vm->load_size = load_mb << 20;
	cs.size = RAM_BASE + vm->ram_size;
	vm->dev = open("/dev/axaddrspace", O_RDWR | O_CLOEXEC);
	if (vm->dev < 0)
		die("/dev/axaddrspace: %s", strerror(errno));
	fmt = ioctl(vm->dev, AXAS_CHECK_EXTENSION, AXAS_CAP_VCPU_FORMAT);
	if (fmt != 1 + AXAS_FORMAT_RISCV_GSTAGE)
		die("this host runs no RISC-V guests (AXAS_CAP_VCPU_FORMAT %ld)", fmt);
	if (ioctl(vm->dev, AXAS_CHECK_EXTENSION, AXAS_CAP_GUEST_IRQ) <= 0)
		die("the module has no guest timer (AXAS_CAP_GUEST_IRQ)");
	if (wrong_leaf)
		cs.flags |= AXAS_SPACE_TEST_WRONG_LEAF;
	vm->space = ioctl(vm->dev, AXAS_CREATE_SPACE, &cs);
	space_fd = vm->space;
	if (vm->space < 0)
		die("AXAS_CREATE_SPACE: %s%s", strerror(errno),
		    wrong_leaf ? " (-W needs the module's test_hooks=1)" : "");

	vm->load = mmap(NULL, vm->load_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (vm->load == MAP_FAILED)
		die("mmap %llu MiB: %s", (unsigned long long)load_mb, strerror(errno));

	lazy.guest_addr = RAM_BASE + vm->load_size;
	lazy.size = vm->ram_size - vm->load_size;
	lazy.flags = AXAS_MEM_READ | AXAS_MEM_WRITE | AXAS_MEM_EXEC;
	xioctl(vm->space, AXAS_MAP_ALLOC, &lazy, "AXAS_MAP_ALLOC (lazy RAM)");

	vm->vcpu = ioctl(vm->space, AXAS_CREATE_VCPU, 0);
	if (vm->vcpu < 0)
		die("AXAS_CREATE_VCPU: %s", strerror(errno));
	(void)ur;
}

/* The loaded part of RAM becomes the user region once it is written. */
static void vm_set_region(struct vm *vm)
{
	struct axas_user_region ur = {
		.guest_addr = RAM_BASE,
		.size = vm->load_size,
		.user_addr = (uintptr_t)vm->load,
		.flags = AXAS_MEM_READ | AXAS_MEM_WRITE | AXAS_MEM_EXEC,
	};

	xioctl(vm->space, AXAS_SET_USER_REGION, &ur, "AXAS_SET_USER_REGION");
}

static void sbi_ret(struct vm *vm, struct axas_run *run, int64_t err,
		    int64_t val, bool has_val)
{
	struct axas_regs regs;

	run->exit.hypercall.ret = err;
	if (!has_val)
		return;
	/* a1 too: complete the call here (SET_REGS drops the pending one). */
	xioctl(vm->vcpu, AXAS_GET_REGS, &regs, "AXAS_GET_REGS");
	regs.gpr[REG_A0] = err;
	regs.gpr[REG_A1] = val;
	regs.pc += 4;
	xioctl(vm->vcpu, AXAS_SET_REGS, &regs, "AXAS_SET_REGS");
}

static void set_timer(struct vm *vm, uint64_t deadline)
{
	struct axas_timer t = { .deadline = deadline };

	xioctl(vm->vcpu, AXAS_SET_TIMER, &t, "AXAS_SET_TIMER");
	st.sbi_timer++;
}

static bool sbi_probe(uint64_t ext)
{
	switch (ext) {
	case SBI_EXT_BASE:
	case SBI_EXT_TIME:
	case SBI_EXT_HSM:
	case SBI_EXT_SRST:
	case SBI_LEGACY_SET_TIMER:
	case SBI_LEGACY_PUTCHAR:
	case SBI_LEGACY_GETCHAR:
	case SBI_LEGACY_SHUTDOWN:
		return true;
	}
	return false;
}

/* An SBI call; true when the run is over (SRST, legacy shutdown). */
static bool sbi_call(struct vm *vm, struct axas_run *run)
{
	struct axas_regs regs;
	uint64_t ext = run->exit.hypercall.nr, fid;
	__u64 *a = run->exit.hypercall.args;

	st.sbi++;
	xioctl(vm->vcpu, AXAS_GET_REGS, &regs, "AXAS_GET_REGS");
	fid = regs.gpr[REG_A6];
	switch (ext) {
	case SBI_LEGACY_SET_TIMER:
		set_timer(vm, a[0]);
		sbi_ret(vm, run, 0, 0, false);
		return false;
	case SBI_LEGACY_PUTCHAR:
		st.sbi_console++;
		console_putc(a[0] & 0xff);
		sbi_ret(vm, run, 0, 0, false);
		return false;
	case SBI_LEGACY_GETCHAR:
		sbi_ret(vm, run, console_getc(), 0, false);
		return false;
	case SBI_LEGACY_SHUTDOWN:
		st.srst_type = 0;
		st.srst_reason = 0;
		return true;
	case SBI_EXT_BASE:
		switch (fid) {
		case 0:	/* get_spec_version: 2.0 */
			sbi_ret(vm, run, 0, 2 << 24, true);
			break;
		case 1:	/* get_impl_id */
			sbi_ret(vm, run, 0, SBI_IMPL_ID, true);
			break;
		case 2:	/* get_impl_version */
			sbi_ret(vm, run, 0, 1, true);
			break;
		case 3:	/* probe_extension */
			sbi_ret(vm, run, 0, sbi_probe(a[0]), true);
			break;
		case 4:	/* mvendorid, marchid, mimpid */
		case 5:
		case 6:
			sbi_ret(vm, run, 0, 0, true);
			break;
		default:
			sbi_ret(vm, run, SBI_ERR_NOT_SUPPORTED, 0, false);
		}
		return false;
	case SBI_EXT_TIME:
		if (fid == 0) {
			set_timer(vm, a[0]);
			sbi_ret(vm, run, 0, 0, false);
		} else {
			sbi_ret(vm, run, SBI_ERR_NOT_SUPPORTED, 0, false);
		}
		return false;
	case SBI_EXT_HSM:
		switch (fid) {
		case 0:	/* hart_start: the only hart runs already */
			sbi_ret(vm, run, a[0] ? SBI_ERR_INVALID_PARAM :
				SBI_ERR_ALREADY_AVAILABLE, 0, false);
			break;
		case 2:	/* hart_get_status: 0 is STARTED */
			if (a[0])
				sbi_ret(vm, run, SBI_ERR_INVALID_PARAM, 0, false);
			else
				sbi_ret(vm, run, 0, 0, true);
			break;
		default:	/* hart_stop, hart_suspend */
			sbi_ret(vm, run, SBI_ERR_NOT_SUPPORTED, 0, false);
		}
		return false;
	case SBI_EXT_SRST:
		if (fid == 0 && a[0] <= 2) {
			st.srst_type = a[0];
			st.srst_reason = a[1];
			return true;
		}
		sbi_ret(vm, run, SBI_ERR_INVALID_PARAM, 0, false);
		return false;
	}
	sbi_ret(vm, run, SBI_ERR_NOT_SUPPORTED, 0, false);
	return false;
}

static void on_alarm(int sig)
{
	(void)sig;
	atomic_store(&timed_out, 1);
}

/* Run until SRST; 0 when the guest shut down, 1 otherwise. */
static int vm_run(struct vm *vm, struct axas_run *run)
{
	for (;;) {
		if (ioctl(vm->vcpu, AXAS_RUN, run)) {
			if (errno == EINTR && !atomic_load(&timed_out)) {
				st.intr++;
				continue;
			}
			snprintf(st.fail, sizeof(st.fail), "%s",
				 atomic_load(&timed_out) ? "timed out" : strerror(errno));
			return 1;
		}
		switch (run->exit_reason) {
		case AXAS_EXIT_HYPERCALL:
			if (sbi_call(vm, run))
				return 0;
			break;
		case AXAS_EXIT_MMIO: {
			struct axas_exit_mmio *m = &run->exit.mmio;

			st.mmio++;
			if (m->guest_addr >= UART_BASE &&
			    m->guest_addr < UART_BASE + UART_SIZE) {
				st.mmio_uart++;
				if (m->is_write)
					uart_write(m->guest_addr - UART_BASE, m->data);
				else
					m->data = uart_read(m->guest_addr - UART_BASE);
			} else {
				st.mmio_other++;	/* nothing there: reads 0 */
				if (!m->is_write)
					m->data = 0;
			}
			break;
		}
		case AXAS_EXIT_INTERNAL_ERROR: {
			struct axas_exit_internal *e = &run->exit.internal;

			snprintf(st.fail, sizeof(st.fail),
				 "INTERNAL_ERROR suberror %u data %#llx %#llx %#llx %#llx",
				 e->suberror, (unsigned long long)e->data[0],
				 (unsigned long long)e->data[1],
				 (unsigned long long)e->data[2],
				 (unsigned long long)e->data[3]);
			return 1;
		}
		default:
			snprintf(st.fail, sizeof(st.fail), "exit reason %u", run->exit_reason);
			st.other++;
			return 1;
		}
	}
}

static int tap_nr, tap_failed;

static void __printf(2, 3) tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", ok ? "" : "not ", ++tap_nr);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		tap_failed++;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: axas-vmm [options] IMAGE\n"
		"Boot a RISC-V Linux kernel Image as a guest of /dev/axaddrspace.\n"
		"\n"
		"  -m MIB       guest RAM (default 128), at 0x80000000\n"
		"  -l MIB       of it, the part loaded through a user region\n"
		"               (default 16; the rest is allocated lazily)\n"
		"  -i FILE      initramfs\n"
		"  -c CMDLINE   kernel command line (default \"console=ttyS0 earlycon=sbi\")\n"
		"  -p PREFIX    printed before each guest console line (default \"guest| \")\n"
		"  -t SECONDS   give up after this long (default 600)\n"
		"  -q           do not print the guest's console\n"
		"  -T           test: print TAP lines on what the boot showed, and\n"
		"               BENCH lines (emulated: the boot's time to /init, the\n"
		"               lazy faults per second during the guest's workload)\n"
		"  -W           boot on wrong leaves (AXAS_SPACE_TEST_WRONG_LEAF,\n"
		"               test_hooks=1): with -T, passes only if the boot fails\n"
		"  -h           this text\n"
		"\n"
		"The machine: one hart, RAM, an ns16550a UART at 0x10000000 (the\n"
		"console: stdout, stdin), SBI base, TIME, HSM, SRST and the legacy\n"
		"console. It ends when the guest calls SBI SRST: exit status 0 for a\n"
		"shutdown, 1 for anything else. At the end it prints its exits by kind\n"
		"and the faults the kernel served.\n");
}

int main(int argc, char **argv)
{
	const char *initrd = NULL, *cmdline = "console=ttyS0 earlycon=sbi";
	uint64_t ram_mb = 128, load_mb = 16, kernel_size, initrd_start = 0, initrd_end = 0;
	uint64_t dtb_gpa, pos;
	struct axas_space_stats stats;
	struct axas_regs regs = { 0 };
	struct axas_run run = { 0 };
	unsigned int timeout = 600;
	struct vm vm;
	size_t dtb_size;
	int opt, ret;
	bool rejected;

	while ((opt = getopt(argc, argv, "m:l:i:c:p:t:qTWh")) != -1) {
		switch (opt) {
		case 'm':
			ram_mb = strtoull(optarg, NULL, 0);
			break;
		case 'l':
			load_mb = strtoull(optarg, NULL, 0);
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'c':
			cmdline = optarg;
			break;
		case 'p':
			prefix = optarg;
			break;
		case 't':
			timeout = strtoul(optarg, NULL, 0);
			break;
		case 'q':
			quiet = true;
			break;
		case 'T':
			test_mode = true;
			break;
		case 'W':
			wrong_leaf = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind != argc - 1) {
		print_usage(stderr);
		return 2;
	}
	if (load_mb < 4 || load_mb % 2 || ram_mb <= load_mb || ram_mb > 4096)
		die("-l must be even, at least 4 and below -m (at most 4096): -m %llu -l %llu",
		    (unsigned long long)ram_mb, (unsigned long long)load_mb);
	setvbuf(stdout, NULL, _IOLBF, 0);

	vm_create(&vm, ram_mb, load_mb);
	kernel_size = load_file(argv[optind], vm.load + IMAGE_OFFSET,
				vm.load_size - IMAGE_OFFSET - FDT_MAX, "kernel");
	/* The Image header's image_size: what the kernel occupies, bss too. */
	{
		uint64_t image_size;

		memcpy(&image_size, vm.load + IMAGE_OFFSET + 16, 8);
		if (image_size > kernel_size)
			kernel_size = image_size;
	}
	pos = (IMAGE_OFFSET + kernel_size + 0xfffff) & ~0xfffffULL;
	if (initrd) {
		if (pos + FDT_MAX >= vm.load_size)
			die("no room for the initramfs in -l %llu MiB",
			    (unsigned long long)load_mb);
		initrd_start = RAM_BASE + pos;
		initrd_end = initrd_start + load_file(initrd, vm.load + pos,
						      vm.load_size - pos - FDT_MAX,
						      "initramfs");
	}
	dtb_gpa = RAM_BASE + vm.load_size - FDT_MAX;
	dtb_size = fdt_build(vm.load + vm.load_size - FDT_MAX, FDT_MAX, vm.ram_size,
			     host_timebase(), cmdline, initrd_start, initrd_end);
	vm_set_region(&vm);

	regs.pc = RAM_BASE + IMAGE_OFFSET;
	regs.gpr[REG_A0] = 0;
	regs.gpr[REG_A1] = dtb_gpa;
	xioctl(vm.vcpu, AXAS_SET_REGS, &regs, "AXAS_SET_REGS");
	printf("# axas-vmm: %llu MiB RAM (%llu MiB user region, the rest lazy)\n",
	       (unsigned long long)ram_mb, (unsigned long long)load_mb);
	printf("# axas-vmm: kernel %llu bytes, initramfs %llu bytes\n",
	       (unsigned long long)kernel_size,
	       (unsigned long long)(initrd_end - initrd_start));
	printf("# axas-vmm: device tree %zu bytes at %#llx\n", dtb_size,
	       (unsigned long long)dtb_gpa);
	printf("# axas-vmm: command line: %s\n", cmdline);

	/* No SA_RESTART: the alarm ends a RUN with EINTR. */
	sigaction(SIGALRM, &(struct sigaction){ .sa_handler = on_alarm }, NULL);
	alarm(timeout);
	st.t_start = now();
	ret = vm_run(&vm, &run);
	st.t_end = now() - st.t_start;
	alarm(0);
	if (line_len)
		console_putc('\n');

	memset(&stats, 0, sizeof(stats));
	xioctl(vm.space, AXAS_GET_STATS, &stats, "AXAS_GET_STATS");
	printf("# axas-vmm: %s after %.1f s\n",
	       ret ? st.fail : st.srst_type == 0 ? "SBI SRST shutdown" : "SBI SRST reboot",
	       st.t_end);
	printf("# axas-vmm: exits: %llu, %llu for host interrupts; kernel-served faults: %llu\n",
	       (unsigned long long)run.exits, (unsigned long long)run.irq_exits,
	       (unsigned long long)run.faults);
	printf("# axas-vmm: MMIO exits: %llu (%llu UART, %llu elsewhere)\n",
	       (unsigned long long)st.mmio,
	       (unsigned long long)st.mmio_uart, (unsigned long long)st.mmio_other);
	printf("# axas-vmm: SBI exits: %llu (%llu set_timer, %llu console); EINTR: %llu\n",
	       (unsigned long long)st.sbi, (unsigned long long)st.sbi_timer,
	       (unsigned long long)st.sbi_console, (unsigned long long)st.intr);
	printf("# axas-vmm: space: %llu table pages, %llu data pages, %llu pinned\n",
	       (unsigned long long)stats.table_pages, (unsigned long long)stats.data_pages,
	       (unsigned long long)stats.pinned_pages);
	printf("# axas-vmm: space: %llu faults, %llu TLB flushes\n",
	       (unsigned long long)stats.faults, (unsigned long long)stats.tlb_flushes);
	if (ret) {
		/* Where the guest was: for its System.map. */
		if (!ioctl(vm.vcpu, AXAS_GET_REGS, &regs))
			printf("# axas-vmm: guest pc %#llx ra %#llx sp %#llx a0 %#llx a7 %#llx\n",
			       (unsigned long long)regs.pc,
			       (unsigned long long)regs.gpr[REG_RA],
			       (unsigned long long)regs.gpr[2],
			       (unsigned long long)regs.gpr[REG_A0],
			       (unsigned long long)regs.gpr[REG_A7]);
	}
	if (ret == 0 && st.srst_type != 0)
		ret = 1;
	if (!test_mode)
		return ret;

	if (wrong_leaf) {
		rejected = ret && strstr(st.fail, "INTERNAL_ERROR suberror 4");
		tap(rejected && !st.init_line,
		    "linux guest, wrong leaves: the boot fails with ENTRY_REJECTED (%s)",
		    ret ? st.fail : "it booted");
		printf("1..%d\n", tap_nr);
		return tap_failed ? 1 : 0;
	}
	tap(st.banner, "linux guest: the kernel's banner on the guest console (%.1f s)",
	    st.t_banner);
	tap(st.init_line, "linux guest: its /init says \"%s\" (%.1f s after start)",
	    GUEST_INIT_HELLO, st.t_init);
	tap(st.workload && st.workload_ok,
	    "linux guest: memory workload: %llu pages written and read back, checksum %#llx (expected %#llx)",
	    st.pages, st.checksum, st.expect);
	tap(st.fork_ok, "linux guest: forked children saw their own copies");
	tap(st.exec_ok, "linux guest: exec of a new program");
	tap(ret == 0 && st.srst_type == 0, "linux guest: shut down through SBI SRST (%s)",
	    ret ? st.fail : "shutdown");
	/* Only memtest= makes the guest kernel touch all of its RAM. */
	if (strstr(cmdline, "memtest="))
		tap(st.workload && run.faults > st.pages,
		    "linux guest: %llu lazy faults served in the kernel, more than the %llu pages the workload touched",
		    (unsigned long long)run.faults, st.pages);
	else
		printf("ok %d - linux guest: lazy faults # SKIP no memtest= %s (%llu faults)\n",
		       ++tap_nr, "not all of RAM is touched", (unsigned long long)run.faults);
	tap(st.sbi_timer > 0 && run.exits > run.faults,
	    "linux guest: the timer ran: %llu set_timer calls",
	    (unsigned long long)st.sbi_timer);
	if (st.init_line)
		printf("BENCH linux_guest.boot_to_init_emulated %.2f s\n", st.t_init);
	/* With memtest= the guest kernel faulted all of RAM in before. */
	if (st.workload && st.w_faults1 == st.w_faults0)
		printf("# axas-vmm: no lazy faults in the workload: its pages were in\n");
	else if (st.workload && st.t_w1 > st.t_w0)
		printf("BENCH linux_guest.workload_faults_emulated %.0f faults/s (%llu, %.2f s)\n",
		       (st.w_faults1 - st.w_faults0) / (st.t_w1 - st.t_w0),
		       st.w_faults1 - st.w_faults0, st.t_w1 - st.t_w0);
	printf("1..%d\n", tap_nr);
	return tap_failed ? 1 : 0;
}
