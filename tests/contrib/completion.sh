#!/usr/bin/env bash
# The bash completion, with the build tree's programs on PATH: options come
# from each program's --help, values of --signer and --signature-version and
# awsv2-keys' commands are offered. Skips (77) without bash-completion.
set -uo pipefail
: "${top_srcdir:?}" "${top_builddir:?}"
[ -r /usr/share/bash-completion/bash_completion ] || { echo "no bash-completion: skipped"; exit 77; }
export PATH="$top_builddir/tools:$top_builddir/examples/ec2-describe:$top_builddir/examples/sqs-send:$top_builddir/daemon:$top_builddir:$PATH"
export top_srcdir
exec bash --norc --noprofile -c '
    set -u
    source /usr/share/bash-completion/bash_completion
    source "$top_srcdir/contrib/completion/awsv2.bash"
    fail=0
    # complete LINE EXPECTED...: completes the last word of LINE.
    complete_has() {
        local line=$1; shift
        read -ra COMP_WORDS <<< "$line"
        [[ $line == *" " ]] && COMP_WORDS+=("")
        COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
        COMP_LINE=$line COMP_POINT=${#line}
        COMPREPLY=()
        _awsv2 "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]:-}"
        local want
        for want in "$@"; do
            if ! printf "%s\n" "${COMPREPLY[@]}" | grep -qxF -- "$want"; then
                echo "\"$line\" does not offer $want (offers: ${COMPREPLY[*]})"; fail=1
            fi
        done
    }
    complete_has "awsv2-sign --sig" --signature-version --signer --signature-method
    complete_has "awsv2-sign --signature-version " 2 4 auto
    complete_has "ec2-describe-instances --signer " openssl due:auto
    complete_has "ec2-describe-instances --out" --output
    complete_has "sqs-send --q" --queue-url
    complete_has "awsv2-keys " list put delete lock policy audit audit-mode
    complete_has "awsv2-hsmd --l" --listen
    complete_has "awsv2-due-emu --key" --keystore
    complete_has "awsv2-mock --cr" --credentials
    exit $fail
'
