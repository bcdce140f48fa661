# A thin wrapper over meson/ninja: `make` builds, `make check` installs what is missing, builds and
# runs every test suite, `make demo` installs, builds and boots the default guest.
BUILD ?= build
MESON_SETUP = meson setup $(BUILD) --native-file scripts/meson-native.ini

.PHONY: all setup configure check demo clean guest-images

all: configure
	ninja -C $(BUILD)

setup:
	scripts/setup

configure:
	@test -f $(BUILD)/build.ninja || $(MESON_SETUP)

guest-images: setup
	scripts/guest-images

check: setup guest-images configure
	ninja -C $(BUILD)
	meson test -C $(BUILD) --print-errorlogs --num-processes 2; status=$$?; \
	  scripts/test-summary $(BUILD)/meson-logs/testlog.json && exit $$status

demo: setup guest-images configure
	ninja -C $(BUILD)
	scripts/demo

clean:
	rm -rf $(BUILD)
