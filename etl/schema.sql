-- Practice Lens warehouse: a star schema keyed by authority (la_code), so many authorities share one file.
-- Built only by etl/load.py; everything else opens the file read-only.
-- Dates are DATE; moments that may carry a time of day are TIMESTAMP (midnight when only a date was given).

-- ---------- dimensions ----------
create table if not exists dim_authority (
    la_code      varchar primary key,   -- e.g. E06000039 (synthetic sources use Z99xxxxxx)
    la_name      varchar not null,
    source_path  varchar,
    loaded_at    timestamp,
    synthetic    boolean not null default false  -- authority.toml says `synthetic = true` (generated, no real child)
);

create table if not exists dim_child (
    la_code      varchar not null,
    child        varchar not null,
    sex          varchar,               -- 1 male, 2 female (M/F/U from 2024/25)
    dob          date,
    ethnic       varchar,
    upn          varchar,
    mother       boolean,
    mc_dob       date,
    return_year  integer,               -- latest return the child appears in (year ending 31 March)
    primary key (la_code, child)
);

create table if not exists dim_team (
    la_code      varchar not null,
    team         varchar not null,
    primary key (la_code, team)
);

create table if not exists dim_worker (
    la_code        varchar not null,
    sw_id          varchar not null,
    team           varchar,             -- team in the worker's latest spell
    org_role       integer,             -- CSWW OrgRole of the latest spell
    agency_worker  boolean,             -- latest spell
    primary key (la_code, sw_id)
);

create table if not exists dim_bank_holiday (
    holiday_date date primary key,      -- England and Wales bank holidays, from the `holidays` package
    name         varchar
);

-- ---------- facts ----------
create table if not exists fact_episode (
    la_code              varchar not null,
    child                varchar not null,
    decom                date not null,
    rne                  varchar,
    ls                   varchar,
    cin                  varchar,
    place                varchar,
    place_provider       varchar,
    dec                  date,          -- null while the episode is open
    rec                  varchar,
    reason_place_change  varchar,
    home_post            varchar,
    pl_post              varchar,
    urn                  varchar,
    return_year          integer        -- the return this view of the episode came from (latest wins)
    -- key: (la_code, child, decom), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

create table if not exists fact_review (
    la_code      varchar not null,
    child        varchar not null,
    review_date  date not null,
    review_code  varchar,
    return_year  integer
    -- key: (la_code, child, review_date), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

create table if not exists fact_missing (
    la_code            varchar not null,
    child              varchar not null,
    missing_type       varchar,         -- M missing, A away from placement without authorisation
    mis_start          date not null,
    mis_end            timestamp,       -- return; null while still missing
    return_year        integer,
    has_rhi_record     boolean not null default false,  -- a row in return_interviews.csv matched
    rhi_offered_at     timestamp,
    rhi_at             timestamp,
    rhi_accepted       boolean
    -- key: (la_code, child, mis_start), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

create table if not exists fact_oc2 (
    la_code                varchar not null,
    child                  varchar not null,
    return_year            integer not null,   -- OC2 is per year: one row per child per return
    sdq_score              integer,
    sdq_reason             varchar,
    convicted              boolean,
    health_check           boolean,
    immunisations          boolean,
    teeth_check            boolean,
    health_assessment      boolean,
    substance_misuse       boolean,
    intervention_received  boolean,
    intervention_offered   boolean
    -- key: (la_code, child, return_year), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

create table if not exists fact_allocation (   -- social worker episodes
    la_code      varchar not null,
    child        varchar not null,
    sw_id        varchar not null,
    sw_decom     date not null,
    sw_dec       date,
    sw_reason    varchar,
    return_year  integer
    -- key: (la_code, child, sw_id, sw_decom), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

create table if not exists fact_visit (
    la_code      varchar not null,
    child        varchar not null,
    sw_id        varchar,
    visit_date   date not null,
    seen_alone   boolean
    -- key: (la_code, child, visit_date), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

create table if not exists fact_health_assessment (
    la_code          varchar not null,
    child            varchar not null,
    assessment_date  date not null,
    assessment_type  varchar not null    -- IHA, RHA, DENTAL
    -- key: (la_code, child, assessment_date, assessment_type), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

create table if not exists fact_worker_spell (
    la_code        varchar not null,
    sw_id          varchar not null,
    team           varchar,
    org_role       integer,
    agency_worker  boolean,
    fte            double,
    start_date     date not null,
    end_date       date,                 -- last day in post; null while in post
    reason_leave   integer
    -- key: (la_code, sw_id, start_date), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

create table if not exists fact_establishment (   -- funded posts per team (optional extract)
    la_code      varchar not null,
    team         varchar not null,
    fte          double not null,
    start_date   date not null,
    end_date     date
    -- key: (la_code, team, start_date), unique (the loader de-duplicates; no index: it would make national loads ~4x slower)
);

-- ---------- Ofsted Annex A (annex_a.xlsx, optional; etl/load_annex_a.py) ----------
-- fact_annex_a_cla: Annex A List 8 (children in care), one row per row kept, as at the workbook's snapshot date
-- (annex_a_snapshot). Dates after the snapshot, or before the row's date of birth, are blanked with a warning.
create table if not exists fact_annex_a_cla (
    la_code          varchar not null,
    child            varchar not null,   -- Child Unique ID (the SSDA903 CHILD of the same child)
    snapshot_date    date not null,
    sheet_row        integer not null,   -- the row's number in the sheet, as Excel shows it
    dob              date,
    cla_start        date not null,      -- Date Started to be Looked After (current period of care)
    cla_end          date,               -- Date Ceased to be Looked After; null while looked after
    legal_status     varchar,            -- SSDA903 LS code read from the cell ('C2: FCO' -> C2)
    last_review      date,
    last_visit       date,
    last_health      date,
    last_dental      date,
    placements_12m   integer,
    placement_start  date,               -- Start Date of Most Recent Placement
    place            varchar,            -- SSDA903 PLACE code read from the cell ('a) U1: ...' -> U1)
    missing_12m      integer,
    absent_12m       integer,
    rhi_offered      boolean,            -- after the last missing episode; null = not recorded
    rhi_accepted     boolean,
    team             varchar,            -- Allocated Team (null: unallocated)
    social_worker    varchar             -- Allocated Worker, as the workbook names them
);

-- annex_a_snapshot: one row per Annex A list loaded: its sheet, snapshot date and where that date was read.
create table if not exists annex_a_snapshot (
    la_code        varchar not null,
    list           varchar not null,     -- annex_a_list_8
    sheet          varchar not null,     -- the sheet's name in the workbook
    snapshot_date  date not null,
    date_from      varchar not null,     -- authority.toml annex_a_date, or the sheet's cell holding it
    header_row     integer not null,     -- the header row's number in the sheet
    rows_kept      integer not null
);

-- ---------- plans, supervision, legal work, strategy meetings, returns home (optional case-system extracts) ----------
create table if not exists fact_plan_action (
    la_code         varchar not null,
    child           varchar not null,
    action_id       varchar not null,
    plan_type       varchar,             -- CARE, PATHWAY, PERMANENCE, PLACEMENT, HEALTH, EDUCATION, OTHER
    raised_date     date not null,
    due_date        date not null,       -- may be after the load (an action not yet due)
    completed_date  date,                -- null while open
    owner_sw_id     varchar
    -- key: (la_code, child, action_id), unique (the loader de-duplicates)
);

create table if not exists fact_supervision (   -- case supervision: one child's case discussed
    la_code              varchar not null,
    child                varchar not null,
    supervision_date     date not null,
    sw_id                varchar,
    manager_id           varchar,
    actions_recorded     boolean,             -- Y true, N false, null blank (counts as not recorded)
    timescales_recorded  boolean
    -- key: (la_code, child, supervision_date), unique (the loader de-duplicates)
);

create table if not exists fact_legal (   -- one legal case: pre-proceedings (PLO) and care proceedings
    la_code                  varchar not null,
    child                    varchar not null,
    plo_decision_date        date,
    plo_letter_date          date,
    plo_meeting_date         date,
    proceedings_issued_date  date,        -- at least one of plo_decision_date and this is given
    final_order_date         date,
    outcome                  varchar      -- ISSUED, NOT_PURSUED; null while pre-proceedings go on
    -- key: (la_code, child, plo_decision_date, proceedings_issued_date)
);

create table if not exists fact_strategy_meeting (
    la_code       varchar not null,
    child         varchar not null,
    meeting_date  date not null,
    reason        varchar,               -- MISSING, CSE, CCE, S47, OTHER
    mis_start     date                   -- the missing episode it was about (fact_missing.mis_start), if named
    -- key: (la_code, child, meeting_date), unique (the loader de-duplicates)
);

create table if not exists fact_return_home_plan (
    la_code           varchar not null,
    child             varchar not null,
    ceased_date       date not null,     -- matches the DEC of the episode that ended the period of care
    plan_agreed_date  date,
    agencies          integer
    -- key: (la_code, child, ceased_date), unique (the loader de-duplicates)
);

-- ---------- published benchmarks (python -m etl benchmarks; kept across loads) ----------
-- benchmark_value: the DfE's published figure of a measure for England ('national'), a region ('regional') or an
-- authority ('la'), per period (31 March for the annual SSDA903 tables, 30 September for the workforce census).
create table if not exists benchmark_value (
    measure      varchar not null,      -- the Practice Lens measure it benchmarks (placements_3plus, ...)
    period_end   date not null,
    level        varchar not null,      -- national | regional | la
    area_code    varchar,               -- E92000001, E12000008, E06000039, ...
    old_la_code  varchar,               -- the DfE's three-digit authority number (871), for 'la' rows
    area_name    varchar,
    region_code  varchar,               -- the authority's region (EES files)
    value        double,
    source       varchar
);

-- benchmark_neighbours: each authority's ten statistical neighbours (by old authority number), closest first, from
-- the DfE's grouping file (its name, e.g. New_Statistical_Neighbour_Groupings_April_2021, says which revision).
create table if not exists benchmark_neighbours (
    old_la_code         varchar not null,
    la_name             varchar,
    rank                integer not null,
    neighbour_old_code  varchar not null,
    closeness           varchar,
    grouping            varchar
);

create table if not exists benchmark_file (   -- the files the benchmarks came from
    file       varchar not null,
    kind       varchar,
    sha256     varchar,
    loaded_at  timestamp
);

-- ---------- load bookkeeping ----------
create table if not exists load_log (
    load_id        varchar not null,     -- one id per `python -m etl load` run
    loaded_at      timestamp not null,
    la_code        varchar,
    source         varchar,              -- source folder as given
    file           varchar not null,     -- path relative to the source, e.g. ssda903/2017/episodes.csv
    status         varchar not null,     -- loaded | empty (header, no rows) | missing | ignored (not a year)
    sha256         varchar,
    rows_read      bigint,
    rows_loaded    bigint,
    rows_rejected  bigint,
    duration_s     double
);

-- source_coverage: the months each source file of an authority covers (a month absent here is *no data* for every
-- measure built on that file, never 0). SSDA903 files: the 12 months of each return year present. Event extracts
-- (visits, health_assessments, return_interviews): from the month of their first to the month of their last dated
-- row. Workforce and establishment: from their first start month (or the start of the authority's other data, if
-- later) to the authority's data end while any row is open. An Annex A list (annex_a_list_8): the month of its
-- snapshot date only (a snapshot, not a history). Never after the month of the load (a date typed into the future
-- does not extend it). Plan actions and supervisions (frequent events) are event extracts too: from their
-- first to their last dated row (a plan action's raised or completed date; its due date may lie ahead). Legal cases,
-- strategy meetings and return home plans are rare events: a month with no row is a month when none happened, so
-- they cover from the month of their first dated row (or the start of the authority's other data, if later) to the
-- end of the authority's data.
create table if not exists source_coverage (
    la_code    varchar not null,
    source     varchar not null,        -- contract file name: episodes, visits, sw_episodes, annex_a_list_8, ...
    month_end  date not null
);

-- load_warnings: rows kept in the facts that break a DfE or contract rule, with what was done (blanked / kept /
-- ended early), so Data quality can say so rather than the load guessing silently.
create table if not exists load_warnings (
    load_id      varchar not null,
    la_code      varchar not null,
    file         varchar not null,      -- path relative to the source
    line         bigint not null,       -- line number in the file (the header is line 1)
    column_name  varchar,
    value        varchar,
    rule         varchar not null,      -- overlapping episodes | REC without DEC | date after the load date | ...
    action       varchar not null       -- blanked | kept | ended early
);

create table if not exists rejected_rows (
    load_id      varchar not null,
    la_code      varchar not null,
    file         varchar not null,      -- path relative to the source
    line         bigint not null,       -- line number in the file (the header is line 1)
    column_name  varchar,
    value        varchar,
    reason       varchar not null       -- unparseable date | code not in list | end before start | unknown child | ...
);
