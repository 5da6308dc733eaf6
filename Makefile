# The two commands of the README. Both install what is missing first (scripts/setup.sh).
.PHONY: serve test setup build
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export TRUNK_SKIP_VERSION_CHECK := true

serve:
	scripts/setup.sh serve
	trunk serve

test:
	scripts/setup.sh
	scripts/test.sh

setup:
	scripts/setup.sh

# The site as GitHub Pages serves it under /podlab/.
build:
	scripts/setup.sh serve
	trunk build --release --public-url /podlab/
