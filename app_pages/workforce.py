"""Workforce: social workers in post, agency use, turnover, vacancies and caseloads."""

from ui.theme import Chart, render_theme

render_theme(
    "Workforce",
    "Ofsted: reliance on agency staff and staff turnover need watching, because every change of worker is a change "
    "for a child. Definitions follow the DfE children's social work workforce census.",
    headline="workforce_agency_rate",
    more=(Chart("workforce_in_post", kind="columns", columns={"permanent_fte": "Permanent FTE",
                                                              "agency_fte": "Agency FTE"}),
          Chart("workforce_turnover"), Chart("workforce_caseload"), Chart("workforce_vacancy_rate")),
)
