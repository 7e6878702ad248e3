# shellcheck shell=sh disable=SC2154
# listen-check.sh: awaitlistener alone, for a server the caller started as $p. Set before: deadline,
# takenwait, lhex, lstate, lfiles.
makestate || exit 125
awaitlistener "$deadline" "$takenwait"
