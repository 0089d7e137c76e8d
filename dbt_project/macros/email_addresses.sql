{#- E-mail address clean-up, shared by every model that reads an address, so they all agree. -#}

{% macro normalize_email(column) -%}
    {#- "Jordan Ellis <Jordan.Ellis@X.com>", " mailto:J@X.COM " -> "jordan.ellis@x.com"; blank -> null -#}
    nullif(
        trim(
            regexp_replace(
                regexp_replace(lower(trim({{ column }})), '^.*<([^>]*)>.*$', {{ regexp_replacement('\\1') }}),
                '^mailto:',
                ''
            )
        ),
        ''
    )
{%- endmacro %}

{% macro email_base_address(column) -%}
    {#- Plus-addressing: "name+tag@x.com" -> "name@x.com"; other addresses unchanged. The rule is
        var('plus_addressing') in dbt_project.yml, which the Python connectors apply too. -#}
    {%- set rule = var('plus_addressing') -%}
    regexp_replace({{ column }}, {{ sql_string(rule.pattern) }}, {{ regexp_replacement(rule.replacement) }})
{%- endmacro %}

{% macro regexp_replacement(text) -%}
    {#- The replacement of a regexp_replace, written with \1 for a group (as RE2, PostgreSQL and
        Python write it), as a SQL literal for this warehouse -#}
    {{- adapter.dispatch('regexp_replacement')(text) -}}
{%- endmacro %}

{% macro default__regexp_replacement(text) -%}
    {{- sql_string(text) -}}
{%- endmacro %}

{% macro spark__regexp_replacement(text) -%}
    {#- Java's replacement syntax: $1 for a group, a literal $ escaped -#}
    {{- sql_string(modules.re.sub('\\\\([0-9])', '$\\1', text | replace('$', '\\$'))) -}}
{%- endmacro %}

{% macro email_domain(column) -%}
    case when {{ column }} like '%@%' then regexp_replace({{ column }}, '^.*@', '') end
{%- endmacro %}

{% macro configured_internal_domains() -%}
    {#- The `internal_domains` var (RI_INTERNAL_DOMAINS, comma-separated) as a clean list of lower-case domains. -#}
    {%- set domains = [] -%}
    {%- for item in var('internal_domains', '').split(',') -%}
        {%- set domain = item | trim | lower | replace('@', '') -%}
        {%- if domain != '' -%}
            {%- if not modules.re.fullmatch('[a-z0-9.-]+', domain) -%}
                {{ exceptions.raise_compiler_error("internal_domains: not a domain: '" ~ domain ~ "'") }}
            {%- endif -%}
            {%- if domain not in domains -%}{%- do domains.append(domain) -%}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(domains) }}
{%- endmacro %}

{% macro is_on_domain(email_domain, domain) -%}
    {#- the address's domain is `domain` or one of its subdomains (mail.x.com is on x.com) -#}
    ({{ email_domain }} = {{ domain }} or {{ email_domain }} like {{ dbt.concat(["'%.'", domain]) }})
{%- endmacro %}
