# bash completion for libawsv2's programs. Options come from the program's
# own --help, so they keep up with it; values are completed where they have
# a known shape (signer specs, files, enumerations). Installed once per
# program name, for bash-completion's on-demand loading.

_awsv2_signer_specs()
{
    local specs=(openssl due:auto http://127.0.0.1:8086/sign/aws) dev
    for dev in /dev/awsv2-due /dev/ttyACM* /dev/serial/by-id/*; do
        [[ -e $dev ]] && specs+=("due:$dev")
    done
    printf '%s\n' "${specs[@]}"
}

_awsv2()
{
    local cur prev words cword
    _init_completion || return

    case $prev in
        --signer)
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$(_awsv2_signer_specs)" -- "$cur"))
            return ;;
        --signature-version) COMPREPLY=($(compgen -W '2 4 auto' -- "$cur")); return ;;
        --method) COMPREPLY=($(compgen -W 'GET POST' -- "$cur")); return ;;
        --signature-method) COMPREPLY=($(compgen -W 'HmacSHA256 HmacSHA1' -- "$cur")); return ;;
        --print)
            COMPREPLY=($(compgen -W 'string-to-sign signature query url canonical-request authorization' -- "$cur"))
            return ;;
        -o | --output) COMPREPLY=($(compgen -W 'text json' -- "$cur")); return ;;
        --link) COMPREPLY=($(compgen -W 'none uart: usb' -- "$cur")); return ;;
        --keystore | --import-credentials | --symlink | --credentials | --instances | \
            --token-file | --from-credentials)
            _filedir
            return ;;
        --listen) COMPREPLY=($(compgen -W '127.0.0.1:8086 [::1]:8086 unix:' -- "$cur")); return ;;
        --region | --endpoint | --access-key-id | --profile | --queue-url | --filter | -f | \
            --instance-id | -i | --service | --timestamp | --expires | --expires-in | \
            --page-size | --connect-timeout | --timeout | --delay-seconds | --attribute | \
            --port | --bind | --fail-503 | --fail-throttle | --now | --sign-us | --drop-reply | \
            --garble-reply | --stall | --close-after | --socket-mode | --queue | \
            --max-connections-per-ip | --request-timeout)
            return ;;
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$1" --help 2>&1 | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u)" -- "$cur"))
        return
    fi
    if [[ ${1##*/} == awsv2-keys ]]; then
        local i
        for ((i = 1; i < cword; i++)); do
            case ${words[i]} in list | put | delete | lock | policy | audit | audit-mode) return ;; esac
        done
        COMPREPLY=($(compgen -W 'list put delete lock policy audit audit-mode' -- "$cur"))
    fi
} &&
    complete -F _awsv2 ec2-describe-instances sqs-send awsv2-sign awsv2-keys awsv2-hsmd \
        awsv2-due-emu awsv2-mock
