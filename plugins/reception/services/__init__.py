"""The reception module's business rules, one module per concern; views, jobs and the demo
call these and commit.

- ``roster``: rules expanded into reception days on the PRC calendar, and the roster's
  exceptions (cancel, restore, substitute, swap, extra day);
- ``booking``: slots, capacity under concurrent bookings, confirmation codes;
- ``matters``: the reception register, each matter handed over as a core case;
- ``cards``: 《群众预约领导办公卡》 from filling to outcome, with the home-visit limit;
- ``stats``: monthly figures per leader, a leader's agenda, a day's register.
"""
